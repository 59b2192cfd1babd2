package tools

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap/zaptest"

	"github.com/axiom-mcp/axiom-mcp/pkg/agent"
	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
)

// startShellPool runs a pool whose agents run their prompt as a shell
// script, so a prompt such as "sleep 0.2" decides what an agent does.
func startShellPool(t *testing.T) *executor.Pool {
	t.Helper()
	pool, err := executor.New(executor.Options{
		MaxInstances:  4,
		MaxAttempts:   1,
		WorkspaceRoot: filepath.Join(t.TempDir(), "workspaces"),
		Agent:         agent.MustParse(`/bin/sh -c 'eval "$0"' {prompt}`),
		TickInterval:  100 * time.Millisecond,
		KillGrace:     time.Second,
		Logger:        zaptest.NewLogger(t),
	})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = pool.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return pool
}

// spawnShell queues one task per prompt and returns their ids.
func spawnShell(t *testing.T, pool *executor.Pool, prompts ...string) []string {
	t.Helper()
	specs := make([]executor.TaskSpec, len(prompts))
	for i, prompt := range prompts {
		specs[i] = executor.TaskSpec{Prompt: prompt}
	}
	infos, err := pool.Submit(specs)
	require.NoError(t, err)
	ids := make([]string, len(infos))
	for i, info := range infos {
		ids[i] = info.ID
	}
	return ids
}

// callWait calls the wait tool with args and an optional progress token.
func callWait(ctx context.Context, mcpClient *client.Client, args map[string]any, token mcp.ProgressToken) (*mcp.CallToolResult, error) {
	req := mcp.CallToolRequest{}
	req.Params.Name = "wait"
	req.Params.Arguments = args
	if token != nil {
		req.Params.Meta = &mcp.Meta{ProgressToken: token}
	}
	return mcpClient.CallTool(ctx, req)
}

// decodeWait returns the structured result of a successful wait call.
func decodeWait(t *testing.T, result *mcp.CallToolResult) WaitOutput {
	t.Helper()
	require.False(t, result.IsError, "wait failed: %v", result.Content)
	data, err := json.Marshal(result.StructuredContent)
	require.NoError(t, err)
	var out WaitOutput
	require.NoError(t, json.Unmarshal(data, &out))
	return out
}

// errorText returns the text of a tool error result.
func errorText(t *testing.T, result *mcp.CallToolResult) string {
	t.Helper()
	require.True(t, result.IsError, "the call should have failed")
	require.NotEmpty(t, result.Content)
	text, ok := result.Content[0].(mcp.TextContent)
	require.True(t, ok, "first content block is text")
	return text.Text
}

func TestWaitReturnsFinishedTasks(t *testing.T) {
	pool := startShellPool(t)
	mcpClient := connect(t, pool, Options{})
	ids := spawnShell(t, pool, "sleep 0.2", "sleep 0.3; exit 3", "sleep 0.1")

	result, err := callWait(t.Context(), mcpClient, map[string]any{"task_ids": ids, "timeout_seconds": 20}, nil)
	require.NoError(t, err)
	out := decodeWait(t, result)

	assert.True(t, out.Done)
	assert.Empty(t, out.Running)
	require.Len(t, out.Finished, 3)
	states := map[string]string{}
	for _, task := range out.Finished {
		states[task.ID] = task.State
	}
	assert.Equal(t, "succeeded", states[ids[0]])
	assert.Equal(t, "failed", states[ids[1]])
	assert.Equal(t, "succeeded", states[ids[2]])
	assert.Less(t, out.WaitedSeconds, 20.0, "wait returned before its bound")
}

func TestWaitEmptyListMeansAllTasks(t *testing.T) {
	pool := startShellPool(t)
	mcpClient := connect(t, pool, Options{})
	ids := spawnShell(t, pool, "true", "sleep 0.2")

	result, err := callWait(t.Context(), mcpClient, map[string]any{}, nil)
	require.NoError(t, err)
	out := decodeWait(t, result)

	assert.True(t, out.Done)
	require.Len(t, out.Finished, 2)
	assert.Equal(t, ids[0], out.Finished[0].ID, "tasks keep submission order")
	assert.Equal(t, ids[1], out.Finished[1].ID, "tasks keep submission order")
}

func TestWaitWithoutTasksIsDone(t *testing.T) {
	pool := startShellPool(t)
	mcpClient := connect(t, pool, Options{})

	result, err := callWait(t.Context(), mcpClient, nil, nil)
	require.NoError(t, err)
	out := decodeWait(t, result)

	assert.True(t, out.Done)
	assert.Empty(t, out.Finished)
	assert.Empty(t, out.Running)
}

func TestWaitTimesOutWithRunningTasks(t *testing.T) {
	pool := startShellPool(t)
	mcpClient := connect(t, pool, Options{})
	ids := spawnShell(t, pool, "sleep 30", "true")

	result, err := callWait(t.Context(), mcpClient, map[string]any{"task_ids": ids, "timeout_seconds": 0.5}, nil)
	require.NoError(t, err)
	out := decodeWait(t, result)

	assert.False(t, out.Done)
	require.Len(t, out.Running, 1)
	assert.Equal(t, ids[0], out.Running[0].ID)
	require.Len(t, out.Finished, 1)
	assert.Equal(t, ids[1], out.Finished[0].ID)
	assert.GreaterOrEqual(t, out.WaitedSeconds, 0.5)
}

func TestWaitUnknownTaskIsToolError(t *testing.T) {
	pool := startShellPool(t)
	mcpClient := connect(t, pool, Options{})
	ids := spawnShell(t, pool, "true")

	result, err := callWait(t.Context(), mcpClient, map[string]any{"task_ids": []string{ids[0], "t-nosuch"}}, nil)
	require.NoError(t, err)
	assert.Contains(t, errorText(t, result), `task "t-nosuch" not found`)
}

func TestWaitRejectsInvalidTimeouts(t *testing.T) {
	pool := startShellPool(t)
	mcpClient := connect(t, pool, Options{WaitMax: 5 * time.Second})

	cases := map[string]struct {
		timeout any
		want    string
	}{
		"over maximum": {timeout: 6, want: "timeout_seconds 6 is over the server's maximum of 5 s"},
		"negative":     {timeout: -1, want: "timeout_seconds -1 is invalid"},
		"not a number": {timeout: "soon", want: "invalid arguments for wait"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			result, err := callWait(t.Context(), mcpClient, map[string]any{"timeout_seconds": tc.timeout}, nil)
			require.NoError(t, err)
			assert.Contains(t, errorText(t, result), tc.want)
		})
	}
}

func TestWaitDescriptionNamesBounds(t *testing.T) {
	tool := waitTool(90 * time.Second)
	assert.Contains(t, tool.Description, "default 25 s, at most 90 s")
	short := waitTool(10 * time.Second)
	assert.Contains(t, short.Description, "default 10 s, at most 10 s", "the default never exceeds the maximum")
}

// progressLog collects the progress notifications a client receives.
type progressLog struct {
	mu    sync.Mutex
	notes []map[string]any
}

// record keeps a progress notification as the client would decode it from
// JSON, so numbers are float64 as over a real transport.
func (l *progressLog) record(n mcp.JSONRPCNotification) {
	if n.Method != "notifications/progress" {
		return
	}
	data, err := json.Marshal(n.Params)
	if err != nil {
		return
	}
	var params map[string]any
	if json.Unmarshal(data, &params) != nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.notes = append(l.notes, params)
}

func (l *progressLog) all() []map[string]any {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]map[string]any(nil), l.notes...)
}

func TestWaitSendsProgressWithToken(t *testing.T) {
	pool := startShellPool(t)
	mcpClient := connect(t, pool, Options{})
	var progress progressLog
	mcpClient.OnNotification(progress.record)
	ids := spawnShell(t, pool, "sleep 0.2", "sleep 0.8", "sleep 1.4")

	result, err := callWait(t.Context(), mcpClient, map[string]any{"task_ids": ids}, "tok-1")
	require.NoError(t, err)
	require.True(t, decodeWait(t, result).Done)

	var notes []map[string]any
	require.Eventually(t, func() bool {
		notes = progress.all()
		return len(notes) > 0 && notes[len(notes)-1]["progress"] == float64(3)
	}, 5*time.Second, 20*time.Millisecond, "a notification reports all three tasks")
	last := 0.0
	for i, note := range notes {
		assert.Equal(t, "tok-1", note["progressToken"], "notification %d carries the request's token", i)
		assert.Equal(t, float64(3), note["total"], "notification %d", i)
		value, ok := note["progress"].(float64)
		require.True(t, ok, "notification %d has a numeric progress", i)
		assert.Greater(t, value, last, "progress increases at notification %d", i)
		last = value
	}
	assert.Contains(t, notes[len(notes)-1]["message"], ids[2]+" succeeded")
	assert.Contains(t, notes[len(notes)-1]["message"], "3 of 3 tasks finished")
}

func TestWaitWithoutTokenSendsNoProgress(t *testing.T) {
	pool := startShellPool(t)
	mcpClient := connect(t, pool, Options{})
	var progress progressLog
	mcpClient.OnNotification(progress.record)
	ids := spawnShell(t, pool, "sleep 0.2", "sleep 0.4")

	result, err := callWait(t.Context(), mcpClient, map[string]any{"task_ids": ids}, nil)
	require.NoError(t, err)
	require.True(t, decodeWait(t, result).Done)

	// A progress notification would have been queued before the response.
	// Other calls flush the notification queue behind it.
	_, err = callWait(t.Context(), mcpClient, map[string]any{"task_ids": ids}, nil)
	require.NoError(t, err)
	assert.Empty(t, progress.all())
}

func TestWaitCancelledKeepsInstance(t *testing.T) {
	pool := startShellPool(t)
	mcpClient := connect(t, pool, Options{})
	ids := spawnShell(t, pool, "sleep 30")

	ctx, cancel := context.WithCancel(t.Context())
	returned := make(chan error, 1)
	started := time.Now()
	go func() {
		_, err := callWait(ctx, mcpClient, map[string]any{"task_ids": ids, "timeout_seconds": 60}, nil)
		returned <- err
	}()
	time.Sleep(300 * time.Millisecond)
	cancel()
	select {
	case err := <-returned:
		assert.Error(t, err, "the cancelled call ends with the context's error")
	case <-time.After(10 * time.Second):
		t.Fatal("the cancelled wait did not return")
	}
	assert.Less(t, time.Since(started), 30*time.Second, "the wait ended before its bound")

	// The server side ends too: a new wait with a short bound still finds
	// the task running, so the cancellation killed nothing.
	result, err := callWait(t.Context(), mcpClient, map[string]any{"task_ids": ids, "timeout_seconds": 0.3}, nil)
	require.NoError(t, err)
	out := decodeWait(t, result)
	require.Len(t, out.Running, 1)
	assert.Equal(t, "running", out.Running[0].State)
	st, err := pool.Status(executor.Filter{TaskID: ids[0]})
	require.NoError(t, err)
	require.Len(t, st.Instances, 1)
	assert.Nil(t, st.Instances[0].EndedAt, "the instance still runs")
}

func TestWaitReturnsWhenPoolStops(t *testing.T) {
	pool, err := executor.New(executor.Options{
		WorkspaceRoot: filepath.Join(t.TempDir(), "workspaces"),
		Agent:         agent.MustParse("/bin/sh -c 'sleep 30'"),
		TickInterval:  100 * time.Millisecond,
		KillGrace:     time.Second,
		Logger:        zaptest.NewLogger(t),
	})
	require.NoError(t, err)
	ctx, stopPool := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = pool.Run(ctx)
	}()
	t.Cleanup(func() {
		stopPool()
		<-done
	})
	mcpClient := connect(t, pool, Options{})
	ids := spawnShell(t, pool, "a")

	time.AfterFunc(300*time.Millisecond, stopPool)
	result, err := callWait(t.Context(), mcpClient, map[string]any{"task_ids": ids, "timeout_seconds": 60}, nil)
	require.NoError(t, err)
	out := decodeWait(t, result)

	assert.True(t, out.Done)
	require.Len(t, out.Finished, 1)
	assert.Equal(t, "cancelled", out.Finished[0].State)
}

func TestFitWaitBudgetDropsPrompts(t *testing.T) {
	prompt := strings.Repeat("x", 200)
	out := WaitOutput{}
	for range 200 {
		out.Running = append(out.Running, executor.TaskInfo{ID: "t-x", Prompt: prompt})
	}
	require.Greater(t, size(out), ResultBudget, "the test result starts over the budget")
	fitted := fitWaitBudget(out)
	assert.Empty(t, fitted.Running[0].Prompt)
	assert.Contains(t, fitted.Note, "prompts were left out")
	assert.LessOrEqual(t, size(fitted), ResultBudget)
}
