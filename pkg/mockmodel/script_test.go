package mockmodel

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// toolCall is one tool_use block that the server sent.
type toolCall struct {
	ID    string
	Name  string
	Input map[string]any
}

// target returns the input field that identifies what the call acts on.
func (c toolCall) target() string {
	switch c.Name {
	case toolWrite, toolRead, toolEdit:
		return fmt.Sprint(c.Input["file_path"])
	case toolBash:
		return fmt.Sprint(c.Input["command"])
	case toolGrep:
		return fmt.Sprint(c.Input["pattern"])
	case toolTodoWrite:
		todos, _ := c.Input["todos"].([]any)
		return fmt.Sprintf("%d todos", len(todos))
	case toolTaskCreate:
		return fmt.Sprint(c.Input["subject"])
	}
	return ""
}

// toolResult is the fake result that a test sends back for a tool call.
type toolResult struct {
	content string
	isError bool
}

// fakeResult returns a result shaped like Claude Code 2.1.197's for call.
// Searches list a.txt and b.txt in testWorkDir, and reads show two lines.
func fakeResult(call toolCall) toolResult {
	switch call.Name {
	case toolWrite:
		return toolResult{content: "File created successfully at: " + call.target()}
	case toolRead:
		return toolResult{content: "1\tfirst line\n2\tsecond line\n3\t"}
	case toolEdit:
		return toolResult{content: "The file " + call.target() + " has been updated successfully."}
	case toolGrep:
		return toolResult{content: "Found 2 files\n" + testWorkDir + "/a.txt\n" + testWorkDir + "/b.txt"}
	case toolBash:
		if strings.HasPrefix(call.target(), "grep ") {
			return toolResult{content: testWorkDir + "/a.txt\n" + testWorkDir + "/b.txt"}
		}
		return toolResult{content: "(Bash completed with no output)"}
	case toolTaskCreate:
		return toolResult{content: "Task #1 created successfully: " + call.target()}
	}
	return toolResult{content: "ok"}
}

// scriptRun is what a client saw while running one prompt to the end.
type scriptRun struct {
	calls     []toolCall
	finalText string
	requests  int
}

// runScript sends prompt, answers every tool call with results(call) in the
// next request, and stops at the first reply without a tool call.
func runScript(t *testing.T, baseURL, prompt string, tools []string, results func(toolCall) toolResult) scriptRun {
	t.Helper()
	messages := []map[string]any{promptMessage(prompt)}
	var run scriptRun
	for run.requests < 3*maxCount {
		body := mainRequest(false, messages...)
		body["tools"] = toolSpecs(tools)
		resp, respBody := postMessages(t, baseURL, body)
		run.requests++
		require.Equal(t, http.StatusOK, resp.StatusCode, "body: %s", respBody)
		msg := decodeMessage(t, respBody)

		assistant, call := assistantMessage(t, msg)
		if call == nil {
			require.Equal(t, "end_turn", msg.StopReason)
			run.finalText = msg.Content[len(msg.Content)-1].Text
			return run
		}
		require.Equal(t, "tool_use", msg.StopReason)
		run.calls = append(run.calls, *call)
		result := results(*call)
		messages = append(messages, assistant, map[string]any{
			"role": "user",
			"content": []map[string]any{{
				"type": "tool_result", "tool_use_id": call.ID, "content": result.content, "is_error": result.isError,
			}},
		})
	}
	t.Fatalf("prompt %q made more than %d requests", prompt, run.requests)
	return run
}

// assistantMessage returns msg as a request message and its tool call, or
// nil when it has none.
func assistantMessage(t *testing.T, msg apiMessage) (map[string]any, *toolCall) {
	t.Helper()
	var content []map[string]any
	var call *toolCall
	for _, block := range msg.Content {
		switch block.Type {
		case "text":
			content = append(content, map[string]any{"type": "text", "text": block.Text})
		case "tool_use":
			require.Nil(t, call, "reply has more than one tool call")
			var input map[string]any
			require.NoError(t, json.Unmarshal(block.Input, &input))
			call = &toolCall{ID: block.ID, Name: block.Name, Input: input}
			content = append(content, map[string]any{"type": "tool_use", "id": block.ID, "name": block.Name, "input": input})
		}
	}
	return map[string]any{"role": "assistant", "content": content}, call
}

// toolSpecs returns a tools array with the named tools.
func toolSpecs(names []string) []map[string]any {
	specs := make([]map[string]any, 0, len(names))
	for _, name := range names {
		specs = append(specs, map[string]any{"name": name, "input_schema": map[string]any{"type": "object"}})
	}
	return specs
}

// printModeTools are tools that Claude Code 2.1.197 offers in print mode: it
// has TaskCreate but no TodoWrite and no Grep.
var printModeTools = []string{toolBash, toolEdit, toolRead, toolTaskCreate, toolWrite}

// allTools adds TodoWrite and Grep to printModeTools.
var allTools = []string{toolBash, toolEdit, toolGrep, toolRead, toolTaskCreate, toolTodoWrite, toolWrite}

func TestScriptSequences(t *testing.T) {
	ws := testWorkDir + "/"
	cases := []struct {
		name   string
		prompt string
		tools  []string
		// calls lists "Tool target" for each tool call in order.
		calls []string
		final string
	}{
		{
			name:   "single write",
			prompt: "create hello.txt [[write file=hello.txt]]",
			tools:  printModeTools,
			calls:  []string{"Write " + ws + "hello.txt"},
			final:  "Done: wrote hello.txt.",
		},
		{
			name:   "write files",
			prompt: "[[write files=3]]",
			tools:  printModeTools,
			calls:  []string{"Write " + ws + "file-1.txt", "Write " + ws + "file-2.txt", "Write " + ws + "file-3.txt"},
			final:  "Done: wrote file-1.txt, wrote file-2.txt, wrote file-3.txt.",
		},
		{
			name:   "two bash steps",
			prompt: `[[bash command="echo hi > ran.txt"]] and then [[bash command=ls]]`,
			tools:  printModeTools,
			calls:  []string{"Bash echo hi > ran.txt", "Bash ls"},
			final:  "Done: ran `echo hi > ran.txt`, ran `ls`.",
		},
		{
			name:   "edit",
			prompt: "[[edit file=notes.txt]]",
			tools:  printModeTools,
			calls:  []string{"Read " + ws + "notes.txt", "Edit " + ws + "notes.txt"},
			final:  "Done: read notes.txt, edited notes.txt.",
		},
		{
			name:   "todo with TodoWrite",
			prompt: "[[todo items=3]]",
			tools:  allTools,
			calls:  []string{"TodoWrite 3 todos"},
			final:  "Done: wrote 3 todos.",
		},
		{
			name:   "todo with TaskCreate",
			prompt: "[[todo items=2]]",
			tools:  printModeTools,
			calls:  []string{"TaskCreate Scripted task 1 of 2", "TaskCreate Scripted task 2 of 2"},
			final:  `Done: created task "Scripted task 1 of 2", created task "Scripted task 2 of 2".`,
		},
		{
			name:   "research with Grep",
			prompt: "[[research steps=4]]",
			tools:  allTools,
			calls:  []string{"Grep .", "Read " + ws + "a.txt", "Grep .", "Read " + ws + "b.txt"},
			final:  `Done: searched for ".", read a.txt, searched for ".", read b.txt.`,
		},
		{
			name:   "research with Bash grep",
			prompt: `[[research steps=3 pattern="it's"]]`,
			tools:  printModeTools,
			calls: []string{
				`Bash grep -rlI -e 'it'\''s' -- '` + testWorkDir + `'`,
				"Read " + ws + "a.txt",
				`Bash grep -rlI -e 'it'\''s' -- '` + testWorkDir + `'`,
			},
			final: `Done: ran ` + "`" + `grep -rlI -e 'it'\''s' -- '` + testWorkDir + `'` + "`" + `, read a.txt, ran ` + "`" + `grep -rlI -e 'it'\''s' -- '` + testWorkDir + `'` + "`.",
		},
		{
			name:   "mixed steps in prompt order",
			prompt: "[[write file=notes.txt]] [[bash command=ls]] [[edit file=notes.txt]] [[delay=0]]",
			tools:  printModeTools,
			calls:  []string{"Write " + ws + "notes.txt", "Bash ls", "Read " + ws + "notes.txt", "Edit " + ws + "notes.txt"},
			final:  "Done: wrote notes.txt, ran `ls`, read notes.txt, edited notes.txt.",
		},
	}
	_, httpServer := startTestServer(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			run := runScript(t, httpServer.URL, tc.prompt, tc.tools, fakeResult)
			got := make([]string, 0, len(run.calls))
			for _, call := range run.calls {
				got = append(got, call.Name+" "+call.target())
			}

			assert.Equal(t, tc.calls, got)
			assert.Equal(t, tc.final, run.finalText)
			assert.Equal(t, len(tc.calls)+1, run.requests)
		})
	}
}

func TestScriptBashInput(t *testing.T) {
	_, httpServer := startTestServer(t)
	prompt := `[[bash command="echo hi > ran.txt" description="Write ran.txt"]] [[bash=pwd]]`

	run := runScript(t, httpServer.URL, prompt, printModeTools, fakeResult)
	require.Len(t, run.calls, 2)

	assert.Equal(t, map[string]any{"command": "echo hi > ran.txt", "description": "Write ran.txt"}, run.calls[0].Input)
	assert.Equal(t, map[string]any{"command": "pwd", "description": defaultBashDescription}, run.calls[1].Input)
}

func TestScriptEditUsesReadLine(t *testing.T) {
	_, httpServer := startTestServer(t)
	results := func(call toolCall) toolResult {
		if call.Name == toolRead {
			return toolResult{content: "1\t\n2\t  indented line\n3\tlast"}
		}
		return fakeResult(call)
	}

	run := runScript(t, httpServer.URL, "[[edit file=/abs/notes.txt]]", printModeTools, results)
	require.Len(t, run.calls, 2)
	edit := run.calls[1]

	assert.Equal(t, toolEdit, edit.Name)
	assert.Equal(t, "/abs/notes.txt", edit.Input["file_path"])
	assert.Equal(t, "  indented line", edit.Input["old_string"])
	assert.Equal(t, "  indented line"+editSuffix, edit.Input["new_string"])
}

func TestScriptEditReadsArrowFormat(t *testing.T) {
	assert.Equal(t, "first", firstReadLine("     1→first\n     2→second"))
	assert.Equal(t, "", firstReadLine("<system-reminder>Warning: the file exists but the contents are empty.</system-reminder>"))
}

func TestScriptEditEmptyFileEndsTurn(t *testing.T) {
	_, httpServer := startTestServer(t)
	results := func(call toolCall) toolResult {
		if call.Name == toolRead {
			return toolResult{content: "<system-reminder>Warning: the file exists but the contents are empty.</system-reminder>"}
		}
		return fakeResult(call)
	}

	run := runScript(t, httpServer.URL, "[[edit file=empty.txt]] [[bash=ls]]", printModeTools, results)

	assert.Len(t, run.calls, 1)
	assert.Equal(t, "Cannot edit empty.txt: the Read result shows no line to replace.", run.finalText)
}

func TestScriptTodoInput(t *testing.T) {
	_, httpServer := startTestServer(t)

	run := runScript(t, httpServer.URL, "[[todo items=2]]", allTools, fakeResult)
	require.Len(t, run.calls, 1)
	todos, ok := run.calls[0].Input["todos"].([]any)
	require.True(t, ok, "input: %v", run.calls[0].Input)
	require.Len(t, todos, 2)

	assert.Equal(t, map[string]any{
		"content": "Scripted todo 1 of 2", "status": "pending", "activeForm": "Working on scripted todo 1 of 2",
	}, todos[0])
	assert.Equal(t, "Scripted todo 2 of 2", todos[1].(map[string]any)["content"])
}

func TestScriptTaskCreateInput(t *testing.T) {
	_, httpServer := startTestServer(t)

	run := runScript(t, httpServer.URL, "[[todo items=1]]", printModeTools, fakeResult)
	require.Len(t, run.calls, 1)

	assert.Equal(t, map[string]any{
		"subject":     "Scripted task 1 of 1",
		"description": "Task 1 of 1 created by the scripted model.",
		"activeForm":  "Working on scripted task 1 of 1",
	}, run.calls[0].Input)
}

func TestScriptGrepInput(t *testing.T) {
	_, httpServer := startTestServer(t)

	run := runScript(t, httpServer.URL, `[[research steps=1 pattern="func main"]]`, allTools, fakeResult)
	require.Len(t, run.calls, 1)

	assert.Equal(t, map[string]any{"pattern": "func main", "path": testWorkDir}, run.calls[0].Input)
}

func TestScriptResearchWithoutMatches(t *testing.T) {
	_, httpServer := startTestServer(t)
	results := func(call toolCall) toolResult {
		if call.Name == toolGrep {
			return toolResult{content: "No files found"}
		}
		return fakeResult(call)
	}

	run := runScript(t, httpServer.URL, "[[research steps=3]]", allTools, results)
	names := make([]string, 0, len(run.calls))
	for _, call := range run.calls {
		names = append(names, call.Name)
	}

	assert.Equal(t, []string{toolGrep, toolGrep, toolGrep}, names)
}

func TestScriptToolErrorEndsTurn(t *testing.T) {
	_, httpServer := startTestServer(t)
	results := func(call toolCall) toolResult {
		if call.Name == toolBash {
			return toolResult{content: "<tool_use_error>Exit code 1\nno such file</tool_use_error>", isError: true}
		}
		return fakeResult(call)
	}

	run := runScript(t, httpServer.URL, "[[bash=false]] [[write file=a.txt]]", printModeTools, results)

	assert.Len(t, run.calls, 1)
	assert.Equal(t, "The tool failed: Exit code 1", run.finalText)
}

func TestScriptMissingToolEndsTurn(t *testing.T) {
	_, httpServer := startTestServer(t)

	run := runScript(t, httpServer.URL, "[[write file=a.txt]] [[bash command=ls]]", []string{toolWrite}, fakeResult)

	assert.Len(t, run.calls, 1)
	assert.Equal(t, "Cannot run `ls`: the request offers no Bash tool.", run.finalText)
}

func TestScriptUnofferedTodoAndGrep(t *testing.T) {
	_, httpServer := startTestServer(t)

	todo := runScript(t, httpServer.URL, "[[todo items=1]]", []string{toolWrite}, fakeResult)
	search := runScript(t, httpServer.URL, "[[research steps=1]]", []string{toolWrite}, fakeResult)

	assert.Equal(t, "Cannot write 1 todos: the request offers no TodoWrite tool.", todo.finalText)
	assert.Equal(t, `Cannot search the files for ".": the request offers no Grep tool.`, search.finalText)
}

func TestScriptCountsOnlyLatestPrompt(t *testing.T) {
	_, httpServer := startTestServer(t)
	earlierTurn := []map[string]any{
		promptMessage("[[bash=ls]] [[bash=pwd]]"),
		{"role": "assistant", "content": []map[string]any{{"type": "tool_use", "id": "toolu_1", "name": "Bash", "input": map[string]any{"command": "ls"}}}},
		{"role": "user", "content": []map[string]any{{"type": "tool_result", "tool_use_id": "toolu_1", "content": "a.txt"}}},
		{"role": "assistant", "content": []map[string]any{{"type": "text", "text": "Done."}}},
	}
	messages := append(earlierTurn, promptMessage("[[bash=whoami]] [[bash=date]]"))

	_, respBody := postMessages(t, httpServer.URL, mainRequest(false, messages...))
	msg := decodeMessage(t, respBody)
	require.Len(t, msg.Content, 2)
	var input map[string]any
	require.NoError(t, json.Unmarshal(msg.Content[1].Input, &input))

	assert.Equal(t, "whoami", input["command"])
}

func TestScriptRequestLog(t *testing.T) {
	server, httpServer := startTestServer(t)

	runScript(t, httpServer.URL, "[[bash=ls]]", printModeTools, fakeResult)
	entries := server.Requests()
	require.Len(t, entries, 2)

	assert.Equal(t, RequestLog{
		SessionID: "0b6c2f0e-test", Kind: "main", Status: http.StatusOK, Tool: toolBash,
		Decision: "step 1 of 1: Bash: run `ls`", Prompt: "[[bash=ls]]",
	}, entries[0])
	assert.Equal(t, RequestLog{
		SessionID: "0b6c2f0e-test", Kind: "main", Status: http.StatusOK, Decision: "final text",
		ToolResult: "(Bash completed with no output)", Prompt: "[[bash=ls]]",
	}, entries[1])
}

func TestRequestLogNamesEarlierTools(t *testing.T) {
	server, httpServer := startTestServer(t)
	earlierTurn := []map[string]any{
		promptMessage("[[bash=ls]]"),
		{"role": "assistant", "content": []map[string]any{{"type": "tool_use", "id": "toolu_1", "name": "Bash", "input": map[string]any{"command": "ls"}}}},
		{"role": "user", "content": []map[string]any{{"type": "tool_result", "tool_use_id": "toolu_1", "content": "a.txt"}}},
	}
	messages := append(earlierTurn, promptMessage("Continue the task.\nCheck the workspace."))

	postMessages(t, httpServer.URL, mainRequest(false, messages...))
	entries := server.Requests()

	require.Len(t, entries, 1)
	assert.Equal(t, "Continue the task.", entries[0].Prompt)
	assert.Equal(t, []string{"Bash"}, entries[0].EarlierTools)
}

func TestRequestLogKeepsNewest(t *testing.T) {
	server := New(nil)
	for i := range 2*maxRequestLogs + 10 {
		server.record(RequestLog{Decision: fmt.Sprint(i)})
	}

	entries := server.Requests()

	require.Len(t, entries, maxRequestLogs)
	assert.Equal(t, fmt.Sprint(maxRequestLogs+10), entries[0].Decision)
	assert.Equal(t, fmt.Sprint(2*maxRequestLogs+9), entries[len(entries)-1].Decision)
}

func TestScriptRunsPromptTypedDuringTurn(t *testing.T) {
	_, httpServer := startTestServer(t)
	messages := []map[string]any{
		promptMessage("[[bash=ls]]"),
		{"role": "assistant", "content": []map[string]any{{"type": "tool_use", "id": "toolu_1", "name": "Bash", "input": map[string]any{"command": "ls"}}}},
		{"role": "user", "content": []map[string]any{{"type": "tool_result", "tool_use_id": "toolu_1", "content": "a.txt"}}},
		{"role": "system", "content": []map[string]any{{"type": "text", "text": "The user sent a new message while " +
			"you were working:\n[[bash=whoami]]\n\nIMPORTANT: After completing your current task, you MUST " +
			"address the user's message above. Do not ignore it."}}},
	}

	_, respBody := postMessages(t, httpServer.URL, mainRequest(false, messages...))
	msg := decodeMessage(t, respBody)
	require.Len(t, msg.Content, 2)
	var input map[string]any
	require.NoError(t, json.Unmarshal(msg.Content[1].Input, &input))

	assert.Equal(t, "whoami", input["command"], "the typed prompt's script runs in the same turn")
}
