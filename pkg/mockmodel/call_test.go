package mockmodel

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	spawnTool  = "mcp__axiom__spawn"
	waitTool   = "mcp__axiom__wait"
	statusTool = "mcp__axiom__status"
)

// writeArgs writes a JSON object to a new file and returns its path.
func writeArgs(t *testing.T, name, object string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(path, []byte(object), 0o600))
	return path
}

// resultsByTool returns, for each call, the result text given for its tool.
func resultsByTool(texts map[string]string) func(toolCall) toolResult {
	return func(call toolCall) toolResult { return toolResult{content: texts[call.Name]} }
}

func TestCallSendsFileArguments(t *testing.T) {
	_, httpServer := startTestServer(t)
	args := writeArgs(t, "spawn.json", `{"tasks":[{"prompt":"a [[x]]"},{"prompt":"b"}]}`)
	tools := append([]string{spawnTool}, printModeTools...)

	run := runScript(t, httpServer.URL, "spawn them [[call tool="+spawnTool+" args="+args+"]]", tools, fakeResult)

	require.Len(t, run.calls, 1)
	assert.Equal(t, spawnTool, run.calls[0].Name)
	tasks, ok := run.calls[0].Input["tasks"].([]any)
	require.True(t, ok, "input has the file's tasks array")
	assert.Len(t, tasks, 2)
	assert.Equal(t, "Done: called "+spawnTool+".", run.finalText)
}

func TestCallStepsRunInOrder(t *testing.T) {
	server, httpServer := startTestServer(t)
	spawnArgs := writeArgs(t, "spawn.json", `{"prompt":"p"}`)
	waitArgs := writeArgs(t, "wait.json", `{"timeout_seconds":30}`)
	tools := append([]string{spawnTool, waitTool, statusTool}, printModeTools...)
	prompt := "[[call tool=" + spawnTool + " args=" + spawnArgs + "]] [[call tool=" + waitTool + " args=" + waitArgs +
		"]] [[call=" + statusTool + "]]"
	results := resultsByTool(map[string]string{spawnTool: "spawned", waitTool: "waited", statusTool: "the status"})

	run := runScript(t, httpServer.URL, prompt, tools, results)

	require.Len(t, run.calls, 3)
	assert.Equal(t, spawnTool, run.calls[0].Name)
	assert.Equal(t, waitTool, run.calls[1].Name)
	assert.Equal(t, float64(30), run.calls[1].Input["timeout_seconds"])
	assert.Equal(t, statusTool, run.calls[2].Name)
	assert.Empty(t, run.calls[2].Input, "a call without args sends an empty object")

	entries := server.Requests()
	require.Len(t, entries, 4)
	assert.Equal(t, "", entries[0].ToolResult, "the first request carries the prompt only")
	assert.Equal(t, "spawned", entries[1].ToolResult)
	assert.Equal(t, "waited", entries[2].ToolResult)
	assert.Equal(t, "the status", entries[3].ToolResult, "the final request carries the last result")
	assert.Equal(t, "step 3 of 3: "+statusTool+": call "+statusTool, entries[2].Decision)
}

func TestCallUnofferedToolEndsTurn(t *testing.T) {
	_, httpServer := startTestServer(t)

	run := runScript(t, httpServer.URL, "[[call tool=mcp__other__x]]", printModeTools, fakeResult)

	assert.Empty(t, run.calls)
	assert.Equal(t, "Cannot call mcp__other__x: the request offers no mcp__other__x tool.", run.finalText)
}

func TestCallMissingArgsFileEndsTurn(t *testing.T) {
	_, httpServer := startTestServer(t)
	tools := append([]string{spawnTool}, printModeTools...)

	run := runScript(t, httpServer.URL, "[[call tool="+spawnTool+" args=missing.json]]", tools, fakeResult)

	assert.Empty(t, run.calls)
	assert.Contains(t, run.finalText, "Cannot call "+spawnTool+":")
	assert.Contains(t, run.finalText, filepath.Join(testWorkDir, "missing.json"), "a relative name is taken from the working directory")
}

func TestCallRejectsNonObjectArgs(t *testing.T) {
	_, httpServer := startTestServer(t)
	args := writeArgs(t, "args.json", `[1, 2]`)
	tools := append([]string{spawnTool}, printModeTools...)

	run := runScript(t, httpServer.URL, "[[call tool="+spawnTool+" args="+args+"]]", tools, fakeResult)

	assert.Empty(t, run.calls)
	assert.Contains(t, run.finalText, "is not a JSON object")
}

func TestCallDirectiveErrors(t *testing.T) {
	cases := map[string]string{
		"[[call]]":                 "missing tool name",
		"[[call tool=x args=]]":    "empty args",
		"[[call tool=x file=a.j]]": `unknown key "file"`,
	}
	for prompt, want := range cases {
		_, err := parseScript(prompt)
		require.Error(t, err, prompt)
		assert.Contains(t, err.Error(), want, prompt)
	}
}

func TestToolResultTextIsCut(t *testing.T) {
	long := strings.Repeat("x", maxToolResultBytes+10)
	req := &messagesRequest{Messages: []message{{Role: "user", blocks: []contentBlock{
		{Type: "tool_result", ToolUseID: "toolu_1", Content: []byte(`"` + long + `"`)},
	}}}}

	assert.Len(t, toolResultText(req), maxToolResultBytes)
}
