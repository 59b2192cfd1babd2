package tools

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
)

func TestFitBudgetShortensTails(t *testing.T) {
	var st executor.Status
	row := strings.Repeat("x", 120)
	for i := 0; i < 40; i++ {
		tail := make([]string, 40)
		for j := range tail {
			tail[j] = row
		}
		st.Instances = append(st.Instances, executor.InstanceInfo{ID: "i", ScreenTail: tail})
	}
	out := fitBudget(st, 40)
	data, err := json.Marshal(out)
	assert.NoError(t, err)
	assert.LessOrEqual(t, len(data), ResultBudget)
	assert.True(t, out.Truncated)
	assert.NotEmpty(t, out.Note)
	assert.NotEmpty(t, out.Instances[0].ScreenTail, "tails are shortened, not dropped, while that fits")
}

func TestFitBudgetLeavesSmallResults(t *testing.T) {
	st := executor.Status{Instances: []executor.InstanceInfo{{ID: "i", ScreenTail: []string{"a", "b"}}}}
	out := fitBudget(st, 15)
	assert.False(t, out.Truncated)
	assert.Equal(t, []string{"a", "b"}, out.Instances[0].ScreenTail)
}

func TestSpawnInputRejectsBothForms(t *testing.T) {
	in := SpawnInput{Prompt: "a", Tasks: []SpawnTask{{Prompt: "b"}}}
	_, err := in.specs()
	assert.ErrorContains(t, err, "not both")
}
