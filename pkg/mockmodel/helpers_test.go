package mockmodel

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/zap/zaptest"
)

// testWorkDir is the working directory that test system prompts name.
const testWorkDir = "/tmp/workspace"

// startTestServer serves a new Server through httptest and returns both.
func startTestServer(t *testing.T) (*Server, *httptest.Server) {
	t.Helper()
	server := New(zaptest.NewLogger(t))
	httpServer := httptest.NewServer(server.Handler())
	t.Cleanup(httpServer.Close)
	return server, httpServer
}

// postMessages sends body as JSON to /v1/messages?beta=true and returns the
// response and its body.
func postMessages(t *testing.T, baseURL string, body any) (*http.Response, []byte) {
	t.Helper()
	data, err := json.Marshal(body)
	require.NoError(t, err)
	return postRaw(t, baseURL, data)
}

// postRaw sends data to /v1/messages?beta=true and returns the response and
// its body.
func postRaw(t *testing.T, baseURL string, data []byte) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, baseURL+"/v1/messages?beta=true", bytes.NewReader(data))
	require.NoError(t, err)
	req.Header.Set("content-type", "application/json")
	req.Header.Set("x-claude-code-session-id", "0b6c2f0e-test")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	respBody, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, respBody
}

// claudeSystem returns a system array shaped like Claude Code 2.1.197's.
func claudeSystem() []map[string]any {
	return []map[string]any{
		{"type": "text", "text": "x-anthropic-billing-header: cc_version=2.1.197.abc;"},
		{"type": "text", "text": "You are Claude Code, Anthropic's official CLI for Claude."},
		{"type": "text", "text": "Environment:\n - Primary working directory: " + testWorkDir + "\n - Is a git repository: false\n"},
	}
}

// promptMessage returns a user message with a system reminder and prompt.
func promptMessage(prompt string) map[string]any {
	return map[string]any{
		"role": "user",
		"content": []map[string]any{
			{"type": "text", "text": "<system-reminder>\nToday's date is 2026-01-01.\n</system-reminder>"},
			{"type": "text", "text": prompt},
		},
	}
}

// mainRequest returns a main request body with the given messages.
func mainRequest(stream bool, messages ...map[string]any) map[string]any {
	return map[string]any{
		"model":      "claude-opus-4-8",
		"max_tokens": 64000,
		"stream":     stream,
		"system":     claudeSystem(),
		"messages":   messages,
		"tools": []map[string]any{
			{"name": "Bash", "input_schema": map[string]any{"type": "object"}},
			{"name": "Write", "input_schema": map[string]any{"type": "object"}},
		},
	}
}

// apiMessage contains the fields of a non-streamed response that tests check.
type apiMessage struct {
	ID         string `json:"id"`
	Type       string `json:"type"`
	Role       string `json:"role"`
	Model      string `json:"model"`
	StopReason string `json:"stop_reason"`
	Content    []struct {
		Type  string          `json:"type"`
		Text  string          `json:"text"`
		ID    string          `json:"id"`
		Name  string          `json:"name"`
		Input json.RawMessage `json:"input"`
	} `json:"content"`
}

// decodeMessage parses a non-streamed response body.
func decodeMessage(t *testing.T, body []byte) apiMessage {
	t.Helper()
	var msg apiMessage
	require.NoError(t, json.Unmarshal(body, &msg), "body: %s", body)
	return msg
}

// writeInput contains the input of a Write tool_use block.
type writeInput struct {
	FilePath string `json:"file_path"`
	Content  string `json:"content"`
}

// apiErrorBody is the body of an error response.
type apiErrorBody struct {
	Type  string `json:"type"`
	Error struct {
		Type    string `json:"type"`
		Message string `json:"message"`
	} `json:"error"`
}
