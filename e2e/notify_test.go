package e2e

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNotificationLevelWarningOverStdio(t *testing.T) {
	s := startServer(t, nil, "--agent", agentBin, "--tick", "200ms")
	require.NoError(t, s.session.SetLoggingLevel(t.Context(), &mcp.SetLoggingLevelParams{Level: "warning"}))
	var spawned spawnResult
	s.callOK(t, "spawn", map[string]any{"tasks": []map[string]any{
		{"prompt": "productive:2", "name": "good"},
		{"prompt": "exit:3", "name": "bad", "max_attempts": 1},
	}}, &spawned)
	s.waitTasks(t, 30*time.Second)
	require.Eventually(t, func() bool {
		for _, kind := range s.eventKinds() {
			if kind == "task_finished" {
				return true
			}
		}
		return false
	}, 10*time.Second, 50*time.Millisecond, "the failed task's event arrives")

	s.mu.Lock()
	defer s.mu.Unlock()
	require.NotEmpty(t, s.logs)
	for _, msg := range s.logs {
		assert.Equal(t, "axiom", msg.Logger)
		assert.Contains(t, []mcp.LoggingLevel{"warning", "error"}, msg.Level, "a session at warning gets %v", msg.Data)
	}
	last := s.logs[len(s.logs)-1]
	assert.Equal(t, mcp.LoggingLevel("error"), last.Level, "a failed task is an error")
	data, ok := last.Data.(map[string]any)
	require.True(t, ok)
	assert.Equal(t, "failed", data["task_state"])
	assert.Equal(t, spawned.Tasks[1].TaskID, data["task_id"])
	assert.Contains(t, data["reason"], "exited with code 3")
	assert.Positive(t, data["seq"])
}

// logRecorder keeps the logging notifications of one client session.
type logRecorder struct {
	mu   sync.Mutex
	logs []*mcp.LoggingMessageParams
}

func (r *logRecorder) handle(_ context.Context, req *mcp.LoggingMessageRequest) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.logs = append(r.logs, req.Params)
}

// kinds returns the event kinds received at each level.
func (r *logRecorder) kinds() map[mcp.LoggingLevel][]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	byLevel := make(map[mcp.LoggingLevel][]string)
	for _, msg := range r.logs {
		if data, ok := msg.Data.(map[string]any); ok {
			kind, _ := data["kind"].(string)
			byLevel[msg.Level] = append(byLevel[msg.Level], kind)
		}
	}
	return byLevel
}

// connectLogging opens a streamable HTTP session that records logging
// notifications and sets its logging level. It speaks protocol revision
// 2025-11-25, because 2026-07-28 has no logging/setLevel and no stream for
// notifications sent outside a request.
func (s *httpServer) connectLogging(t *testing.T, level mcp.LoggingLevel) (*mcp.ClientSession, *logRecorder) {
	t.Helper()
	recorder := &logRecorder{}
	client := mcp.NewClient(&mcp.Implementation{Name: "e2e-" + string(level), Version: "1"},
		&mcp.ClientOptions{LoggingMessageHandler: recorder.handle})
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	session, err := client.Connect(ctx, &mcp.StreamableClientTransport{Endpoint: s.url},
		&mcp.ClientSessionOptions{ProtocolVersion: "2025-11-25"})
	require.NoError(t, err)
	t.Cleanup(func() { _ = session.Close() })
	require.NoError(t, session.SetLoggingLevel(ctx, &mcp.SetLoggingLevelParams{Level: level}))
	return session, recorder
}

func TestNotificationLevelsPerHTTPSession(t *testing.T) {
	s := startHTTPServer(t, nil, "--tick", "200ms")
	session, debug := s.connectLogging(t, "debug")
	_, warning := s.connectLogging(t, "warning")

	res, err := session.CallTool(t.Context(), &mcp.CallToolParams{Name: "spawn", Arguments: map[string]any{
		"tasks": []map[string]any{
			{"prompt": "productive:3", "name": "good"},
			{"prompt": "exit:3", "name": "bad", "max_attempts": 1},
		}}})
	require.NoError(t, err)
	require.False(t, res.IsError, "spawn: %s", text(res))
	require.Eventually(t, func() bool {
		return len(debug.kinds()["info"]) > 0 && slices.Contains(warning.kinds()["error"], "task_finished") &&
			slices.Contains(debug.kinds()["info"], "task_finished")
	}, 30*time.Second, 100*time.Millisecond, "both tasks finish")

	assert.Contains(t, debug.kinds()["debug"], "instance_score", "a session at debug gets score updates")
	assert.Contains(t, debug.kinds()["info"], "instance_started")
	assert.Contains(t, debug.kinds()["error"], "task_finished")
	levels := warning.kinds()
	assert.Empty(t, levels["debug"], "a session at warning gets no score updates")
	assert.Empty(t, levels["info"], "a session at warning gets no info events")
	assert.Contains(t, levels["warning"], "instance_exited")
}
