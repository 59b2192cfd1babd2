package mockmodel

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// interruptedTurn is the conversation of a turn whose script ran its first
// Bash call before the model API failed, as a resumed Claude Code 2.1.197
// session sends it. The tool result carries the CLI's own note, and a
// synthetic assistant text follows.
func interruptedTurn(prompt string) []map[string]any {
	return []map[string]any{
		promptMessage(prompt),
		{"role": "assistant", "content": []map[string]any{{"type": "tool_use", "id": "toolu_1", "name": "Bash",
			"input": map[string]any{"command": "ls"}}}},
		{"role": "user", "content": []map[string]any{
			{"type": "tool_result", "tool_use_id": "toolu_1", "content": "a.txt"},
			{"type": "text", "text": "Continue from where you left off."}}},
		{"role": "assistant", "content": []map[string]any{{"type": "text", "text": "No response requested."}}},
	}
}

// bashCommand returns the command of the Bash call in msg, or "" for none.
func bashCommand(t *testing.T, msg apiMessage) string {
	t.Helper()
	for _, block := range msg.Content {
		if block.Type == "tool_use" {
			var input map[string]any
			require.NoError(t, json.Unmarshal(block.Input, &input))
			command, _ := input["command"].(string)
			return command
		}
	}
	return ""
}

func TestResumedPromptContinuesEarlierScript(t *testing.T) {
	_, httpServer := startTestServer(t)
	messages := append(interruptedTurn("[[bash=ls]] [[bash=pwd]]"), promptMessage("Continue the task where you stopped."))

	_, body := postMessages(t, httpServer.URL, mainRequest(false, messages...))
	next := bashCommand(t, decodeMessage(t, body))

	messages = append(messages,
		map[string]any{"role": "assistant", "content": []map[string]any{{"type": "tool_use", "id": "toolu_2",
			"name": "Bash", "input": map[string]any{"command": "pwd"}}}},
		map[string]any{"role": "user", "content": []map[string]any{
			{"type": "tool_result", "tool_use_id": "toolu_2", "content": "/tmp"}}})
	_, body = postMessages(t, httpServer.URL, mainRequest(false, messages...))
	final := decodeMessage(t, body)

	assert.Equal(t, "pwd", next, "the step after the one the earlier turn ran")
	assert.Empty(t, bashCommand(t, final))
	require.NotEmpty(t, final.Content)
	assert.Equal(t, "end_turn", final.StopReason)
}

func TestResumedPromptAfterFinishedScript(t *testing.T) {
	_, httpServer := startTestServer(t)
	messages := append(interruptedTurn("[[bash=ls]]"), promptMessage("Continue the task where you stopped."))

	_, body := postMessages(t, httpServer.URL, mainRequest(false, messages...))
	msg := decodeMessage(t, body)

	require.NotEmpty(t, msg.Content)
	assert.Equal(t, "No file name found in the prompt, so nothing was written.", msg.Content[0].Text)
}

func TestResumedPromptContinuesErrorCount(t *testing.T) {
	server, httpServer := startTestServer(t)
	prompt := "[[error status=529 times=1]] [[bash=ls]] [[bash=pwd]]"

	first, _ := postMessages(t, httpServer.URL, mainRequest(false, promptMessage(prompt)))
	messages := append(interruptedTurn(prompt), promptMessage("Continue the task where you stopped."))
	resumed, body := postMessages(t, httpServer.URL, mainRequest(false, messages...))

	assert.Equal(t, 529, first.StatusCode)
	assert.Equal(t, http.StatusOK, resumed.StatusCode, "the earlier prompt's one error is spent")
	assert.Equal(t, "pwd", bashCommand(t, decodeMessage(t, body)))
	assert.Equal(t, []string{"Bash"}, server.Requests()[1].EarlierTools)
}
