package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/axiom-mcp/axiom-mcp/pkg/tools"
)

// progressParams contains the fields of a progress notification.
type progressParams struct {
	ProgressToken json.RawMessage `json:"progressToken"`
	Progress      float64         `json:"progress"`
	Total         float64         `json:"total"`
	Message       string          `json:"message"`
}

// TestMCP06NoProgressAfterResult runs rounds of wait calls whose last
// progress notification is sent just before the response, and checks on
// the raw stdout lines that no progress notification of a call follows its
// response, and that progress rises within each call.
func TestMCP06NoProgressAfterResult(t *testing.T) {
	c := startRawClient(t, "--tick", "100ms")
	for round := 1; round <= 6; round++ {
		var spawned tools.SpawnOutput
		c.callTool(t, "spawn", map[string]any{"tasks": []map[string]any{
			{"prompt": "sleep:0.2"}, {"prompt": "sleep:0.4"}, {"prompt": "sleep:0.6"},
		}}, &spawned)
		ids := make([]string, len(spawned.Tasks))
		for i, task := range spawned.Tasks {
			ids[i] = task.TaskID
		}
		token := fmt.Sprintf("round-%d", round)
		id := c.request(t, "tools/call", map[string]any{
			"name": "wait", "arguments": map[string]any{"task_ids": ids, "timeout_seconds": 30},
			"_meta": map[string]any{"progressToken": token},
		})
		before, resp := c.collect(t, id, 40*time.Second)
		require.Nil(t, resp.Error, resp.line)
		var out tools.WaitOutput
		decodeToolResult(t, resp.Result, &out)
		require.True(t, out.Done, "round %d", round)

		progress := progressOf(t, before, token)
		require.NotEmpty(t, progress, "round %d: progress notifications before the response", round)
		assert.Equal(t, float64(3), progress[len(progress)-1].Progress, "round %d: the last one counts all tasks", round)
		for i := 1; i < len(progress); i++ {
			assert.Greater(t, progress[i].Progress, progress[i-1].Progress, "round %d: progress rises", round)
		}

		// A ping's response comes after anything the server had queued
		// when the wait call returned.
		after, _ := c.collect(t, c.request(t, "ping", map[string]any{}), 10*time.Second)
		assert.Empty(t, progressOf(t, after, token), "round %d: no progress after the response", round)
	}
}

// progressOf returns the progress notifications among msgs that carry token.
func progressOf(t *testing.T, msgs []rawMessage, token string) []progressParams {
	t.Helper()
	var found []progressParams
	for _, msg := range msgs {
		if msg.Method != "notifications/progress" {
			continue
		}
		var params progressParams
		require.NoError(t, json.Unmarshal(msg.Params, &params))
		if string(params.ProgressToken) == `"`+token+`"` {
			found = append(found, params)
		}
	}
	return found
}

// TestMCP04CancelStopsHandler cancels the context of a wait call made with
// the Go SDK, which sends notifications/cancelled. The call returns at once,
// the server logs the cancellation, and the instance keeps running.
func TestMCP04CancelStopsHandler(t *testing.T) {
	s := startServer(t, nil, "--agent", agentBin, "--tick", "200ms")
	var spawned spawnResult
	s.callOK(t, "spawn", map[string]any{"prompt": "chatty"}, &spawned)
	taskID := spawned.Tasks[0].TaskID

	ctx, cancel := context.WithCancel(t.Context())
	returned := make(chan error, 1)
	go func() {
		_, err := s.session.CallTool(ctx, &mcp.CallToolParams{Name: "wait",
			Arguments: map[string]any{"task_ids": []string{taskID}, "timeout_seconds": 120}})
		returned <- err
	}()
	time.Sleep(500 * time.Millisecond)
	cancel()
	select {
	case err := <-returned:
		assert.ErrorIs(t, err, context.Canceled)
	case <-time.After(10 * time.Second):
		t.Fatal("the cancelled wait call did not return")
	}
	require.Eventually(t, func() bool {
		return strings.Contains(s.stderr.String(), "wait cancelled by the client")
	}, 10*time.Second, 50*time.Millisecond, "the server ended the wait")

	st := s.status(t, map[string]any{"task_id": taskID})
	assert.Equal(t, "running", findTask(t, st, taskID).State)
	require.Len(t, st.Instances, 1)
	assert.Nil(t, st.Instances[0].EndedAt, "the instance still runs")
	assert.NotEmpty(t, liveMembers(t, st.Instances[0].PID), "the agent process is alive")
}

// TestWaitCancelledByHTTPDisconnect closes the connection of a wait call
// made over streamable HTTP without sending notifications/cancelled. The
// server ends the wait, and the instance keeps running.
func TestWaitCancelledByHTTPDisconnect(t *testing.T) {
	s := startHTTPServer(t, nil, "--tick", "200ms")
	session := s.connect(t, nil)
	res, err := session.CallTool(t.Context(), &mcp.CallToolParams{Name: "spawn",
		Arguments: map[string]any{"prompt": "chatty"}})
	require.NoError(t, err)
	require.False(t, res.IsError, text(res))
	var spawned spawnResult
	data, err := json.Marshal(res.StructuredContent)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &spawned))
	taskID := spawned.Tasks[0].TaskID

	sessionID := rawHTTPInitialize(t, s.url)
	ctx, cancel := context.WithCancel(t.Context())
	body := fmt.Sprintf(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"wait",`+
		`"arguments":{"task_ids":[%q],"timeout_seconds":120}}}`, taskID)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, strings.NewReader(body))
	require.NoError(t, err)
	setRawHeaders(req, sessionID)
	sent := make(chan error, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			_ = resp.Body.Close()
		}
		sent <- err
	}()
	time.Sleep(500 * time.Millisecond)
	cancel()
	<-sent
	require.Eventually(t, func() bool {
		return strings.Contains(s.stderr.String(), "wait cancelled by the client")
	}, 10*time.Second, 50*time.Millisecond, "the server ended the wait when the client went away")

	res, err = session.CallTool(t.Context(), &mcp.CallToolParams{Name: "status",
		Arguments: map[string]any{"task_id": taskID}})
	require.NoError(t, err)
	var st tools.StatusOutput
	data, err = json.Marshal(res.StructuredContent)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &st))
	assert.Equal(t, "running", findTask(t, st, taskID).State)
	require.Len(t, st.Instances, 1)
	assert.Nil(t, st.Instances[0].EndedAt, "the instance still runs")
}

// rawHTTPInitialize opens a session with plain HTTP requests and returns its
// Mcp-Session-Id.
func rawHTTPInitialize(t *testing.T, url string) string {
	t.Helper()
	body := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",` +
		`"capabilities":{},"clientInfo":{"name":"raw-http","version":"1"}}}`
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url, strings.NewReader(body))
	require.NoError(t, err)
	setRawHeaders(req, "")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_, _ = bufio.NewReader(resp.Body).ReadString(0)
	_ = resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	sessionID := resp.Header.Get("Mcp-Session-Id")

	initialized := `{"jsonrpc":"2.0","method":"notifications/initialized","params":{}}`
	req, err = http.NewRequestWithContext(t.Context(), http.MethodPost, url, strings.NewReader(initialized))
	require.NoError(t, err)
	setRawHeaders(req, sessionID)
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	return sessionID
}

func setRawHeaders(req *http.Request, sessionID string) {
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("Mcp-Protocol-Version", "2025-11-25")
	if sessionID != "" {
		req.Header.Set("Mcp-Session-Id", sessionID)
	}
}

// TestWaitMaxFlag starts the server with --wait-max 2s: a wait call that
// asks for longer is a tool error that names the maximum, and a zero
// maximum is a usage error.
func TestWaitMaxFlag(t *testing.T) {
	c := startRawClient(t, "--wait-max", "2s")
	result := c.call(t, "tools/call", map[string]any{"name": "wait", "arguments": map[string]any{"timeout_seconds": 5}})
	var res struct {
		IsError bool `json:"isError"`
		Content []struct {
			Text string `json:"text"`
		} `json:"content"`
	}
	require.NoError(t, json.Unmarshal(result, &res))
	assert.True(t, res.IsError)
	require.NotEmpty(t, res.Content)
	assert.Contains(t, res.Content[0].Text, "over the server's maximum of 2 s")

	cmd := exec.Command(serverBin, "--wait-max", "0s", "--workspace-root", t.TempDir())
	out, err := cmd.CombinedOutput()
	var exitErr *exec.ExitError
	require.ErrorAs(t, err, &exitErr)
	assert.Equal(t, 2, exitErr.ExitCode())
	assert.Contains(t, string(out), "--wait-max 0s is not positive")
}
