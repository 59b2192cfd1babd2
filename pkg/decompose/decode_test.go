package decompose

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDecodeReadsPlan(t *testing.T) {
	data := `{"summary":"two","tasks":[{"name":"a","prompt":"do a","depends_on":[],"owns":["a.go"],"priority":1},` +
		`{"name":"b","prompt":"do b","depends_on":["a"]}]}`

	plan, err := Decode([]byte(data))

	require.NoError(t, err)
	assert.Equal(t, "two", plan.Summary)
	assert.Equal(t, []Task{
		{Name: "a", Prompt: "do a", DependsOn: []string{}, Owns: []string{"a.go"}, Priority: 1},
		{Name: "b", Prompt: "do b", DependsOn: []string{"a"}},
	}, plan.Tasks)
}

func TestDecodeRejectsInput(t *testing.T) {
	cases := []struct {
		name string
		data string
		want string
	}{
		{name: "unknown task field", data: `{"summary":"s","tasks":[{"name":"a","prompt":"p","files":[]}]}`, want: `unknown field "files"`},
		{name: "unknown plan field", data: `{"summary":"s","tasks":[],"notes":"x"}`, want: `unknown field "notes"`},
		{name: "wrong type", data: `{"summary":"s","tasks":{}}`, want: "cannot unmarshal object"},
		{name: "trailing data", data: `{"summary":"s","tasks":[]} {}`, want: "data follows the plan object"},
		{name: "not JSON", data: `plan: yes`, want: "decode plan: invalid character"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode([]byte(tc.data))

			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestSchemaDescribesPlan(t *testing.T) {
	text, err := SchemaJSON()
	require.NoError(t, err)
	var schema struct {
		Required   []string `json:"required"`
		Properties struct {
			Tasks struct {
				Items struct {
					Required             []string `json:"required"`
					AdditionalProperties bool     `json:"additionalProperties"`
				} `json:"items"`
			} `json:"tasks"`
		} `json:"properties"`
	}

	require.NoError(t, json.Unmarshal([]byte(text), &schema))
	assert.Equal(t, []string{"summary", "tasks"}, schema.Required)
	assert.Equal(t, []string{"name", "prompt", "depends_on", "owns", "priority"}, schema.Properties.Tasks.Items.Required)
	assert.False(t, schema.Properties.Tasks.Items.AdditionalProperties)
}

func TestSchemaReturnsFreshValue(t *testing.T) {
	first := Schema()
	first["type"] = "changed"

	assert.Equal(t, "object", Schema()["type"])
}
