package decompose

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// validPlanJSON is a plan that passes Validate.
const validPlanJSON = `{"summary":"api then docs","tasks":[` +
	`{"name":"api","prompt":"Add /health to server.go","depends_on":[],"owns":["server.go"],"priority":1},` +
	`{"name":"docs","prompt":"Document /health in README.md","depends_on":["api"],"owns":["README.md"],"priority":0}]}`

// scriptPlanner returns a planner that runs script with /bin/sh. The script
// gets the prompt as $1 and the schema as $2.
func scriptPlanner(t *testing.T, script string, output Output) *Planner {
	t.Helper()
	return &Planner{
		Command: Command{Program: "/bin/sh", Args: []string{"-c", script, "sh", PromptPlaceholder, SchemaPlaceholder}, Output: output},
		Dir:     t.TempDir(),
		Timeout: 30 * time.Second,
	}
}

// claudeEnvelope returns a result object like Claude Code's with the given
// structured output.
func claudeEnvelope(t *testing.T, structured string) string {
	t.Helper()
	envelope := map[string]any{"type": "result", "subtype": "success", "is_error": false, "result": "done"}
	if structured != "" {
		envelope["structured_output"] = json.RawMessage(structured)
	}
	data, err := json.Marshal(envelope)
	require.NoError(t, err)
	return string(data)
}

// writeOutputFile writes content to a file the script prints with cat, so
// no shell quoting applies to it.
func writeOutputFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "stdout.txt")
	require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
	return path
}

func TestPlannerReadsClaudeEnvelope(t *testing.T) {
	out := writeOutputFile(t, claudeEnvelope(t, validPlanJSON)+"\n")
	planner := scriptPlanner(t, "cat "+out, OutputClaudeJSON)

	plan, err := planner.Plan(t.Context(), "add a health endpoint")

	require.NoError(t, err)
	assert.Equal(t, "api then docs", plan.Summary)
	require.Len(t, plan.Tasks, 2)
	assert.Equal(t, []string{"api"}, plan.Tasks[1].DependsOn)
	assert.Equal(t, []string{"server.go"}, plan.Tasks[0].Owns)
}

func TestPlannerReadsStreamJSONResult(t *testing.T) {
	lines := `{"type":"system","subtype":"init"}` + "\n" + claudeEnvelope(t, validPlanJSON) + "\n"
	planner := scriptPlanner(t, "cat "+writeOutputFile(t, lines), OutputClaudeJSON)

	plan, err := planner.Plan(t.Context(), "add a health endpoint")

	require.NoError(t, err)
	assert.Len(t, plan.Tasks, 2)
}

func TestPlannerReadsFencedPlan(t *testing.T) {
	out := writeOutputFile(t, "Here is the plan:\n```json\n"+validPlanJSON+"\n```\n")
	planner := scriptPlanner(t, "cat "+out, OutputPlanJSON)

	plan, err := planner.Plan(t.Context(), "add a health endpoint")

	require.NoError(t, err)
	assert.Len(t, plan.Tasks, 2)
}

func TestPlannerPassesPromptAndSchema(t *testing.T) {
	dir := t.TempDir()
	out := writeOutputFile(t, claudeEnvelope(t, validPlanJSON))
	script := `printf '%s' "$1" > ` + dir + `/prompt; printf '%s' "$2" > ` + dir + `/schema; cat ` + out
	planner := scriptPlanner(t, script, OutputClaudeJSON)

	_, err := planner.Plan(t.Context(), "  add a health endpoint to server.go  ")

	require.NoError(t, err)
	prompt, err := os.ReadFile(filepath.Join(dir, "prompt"))
	require.NoError(t, err)
	schema, err := os.ReadFile(filepath.Join(dir, "schema"))
	require.NoError(t, err)
	wantSchema, err := SchemaJSON()
	require.NoError(t, err)
	assert.True(t, strings.HasSuffix(string(prompt), "Goal:\nadd a health endpoint to server.go\n"), "prompt:\n%s", prompt)
	assert.Contains(t, string(prompt), wantSchema)
	assert.Equal(t, wantSchema, string(schema))
}

func TestPlannerAppendsPromptWithoutPlaceholder(t *testing.T) {
	args := Command{Args: []string{"--json"}}.argv("the prompt", "{}")

	assert.Equal(t, []string{"--json", "the prompt"}, args)
}

func TestClaudeCommandArguments(t *testing.T) {
	args := ClaudeCommand("").argv("P", "S")

	assert.Equal(t, []string{"-p", "P", "--output-format", "json", "--json-schema", "S", "--tools", "Read,Grep,Glob",
		"--no-session-persistence"}, args)
	assert.Equal(t, "claude", ClaudeCommand("").Program)
}

func TestPlannerReportsInvalidPlan(t *testing.T) {
	cyclic := `{"summary":"s","tasks":[{"name":"a","prompt":"x","depends_on":["b"],"owns":[],"priority":0},` +
		`{"name":"b","prompt":"y","depends_on":["a"],"owns":[],"priority":0}]}`
	planner := scriptPlanner(t, "cat "+writeOutputFile(t, claudeEnvelope(t, cyclic)), OutputClaudeJSON)

	plan, err := planner.Plan(t.Context(), "goal")

	var invalid *InvalidPlanError
	require.True(t, errors.As(err, &invalid), "error %v", err)
	assert.Contains(t, err.Error(), "failed validation, so nothing was queued")
	assert.Contains(t, err.Error(), "dependency cycle a -> b -> a")
	assert.Len(t, plan.Tasks, 2, "the invalid plan is returned for review")
}

func TestPlannerErrors(t *testing.T) {
	cases := []struct {
		name   string
		stdout string
		script string
		want   []string
	}{
		{
			name:   "no structured output",
			stdout: `{"type":"result","subtype":"success","is_error":false,"result":"I could not plan this."}`,
			want:   []string{"returned no structured output", "I could not plan this."},
		},
		{
			name:   "error result",
			stdout: `{"type":"result","subtype":"error_max_turns","is_error":true,"result":"too many turns"}`,
			want:   []string{"the agent reported an error (error_max_turns): too many turns"},
		},
		{
			name:   "unknown field in plan",
			stdout: `{"type":"result","subtype":"success","structured_output":{"summary":"s","tasks":[],"extra":1}}`,
			want:   []string{`unknown field "extra"`},
		},
		{
			name:   "no result object",
			stdout: "plain text\n",
			want:   []string{"no result object in the agent's output", "plain text"},
		},
		{
			name:   "exit status with stderr",
			script: "echo 'model not found' >&2; exit 3",
			want:   []string{"failed: exit status 3", `stderr: "model not found"`},
		},
		{
			name:   "exit status with error result",
			script: `echo '{"type":"result","subtype":"success","is_error":true,"result":"API Error: 401"}'; exit 1`,
			want:   []string{"failed: exit status 1: API Error: 401"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			script := tc.script
			if script == "" {
				script = "cat " + writeOutputFile(t, tc.stdout)
			}
			planner := scriptPlanner(t, script, OutputClaudeJSON)

			_, err := planner.Plan(t.Context(), "goal")

			require.Error(t, err)
			for _, want := range tc.want {
				assert.Contains(t, err.Error(), want)
			}
		})
	}
}

func TestPlannerTimesOut(t *testing.T) {
	planner := scriptPlanner(t, "echo planning >&2; sleep 30", OutputClaudeJSON)
	planner.Timeout = 300 * time.Millisecond

	_, err := planner.Plan(t.Context(), "goal")

	require.Error(t, err)
	assert.Contains(t, err.Error(), "timed out after 300ms")
	assert.Contains(t, err.Error(), `stderr: "planning"`)
}

func TestPlannerRejectsEmptyGoal(t *testing.T) {
	planner := scriptPlanner(t, "exit 0", OutputClaudeJSON)

	_, err := planner.Plan(t.Context(), " \n")

	assert.ErrorContains(t, err, "the goal is empty")
}

func TestTailBufferKeepsEnd(t *testing.T) {
	buffer := &tailBuffer{max: 4}
	_, _ = buffer.Write([]byte("abc"))
	_, _ = buffer.Write([]byte("defg"))

	assert.Equal(t, "defg", buffer.String())
}

func TestCappedBufferRecordsTruncation(t *testing.T) {
	buffer := &cappedBuffer{max: 4}
	_, _ = buffer.Write([]byte("abc"))
	n, err := buffer.Write([]byte("defg"))

	require.NoError(t, err)
	assert.Equal(t, 4, n)
	assert.Equal(t, "abcd", buffer.String())
	assert.True(t, buffer.truncated)
}
