package tools

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap/zaptest"

	"github.com/axiom-mcp/axiom-mcp/pkg/agent"
	"github.com/axiom-mcp/axiom-mcp/pkg/decompose"
	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
)

// listGoal is a goal whose third step waits for the first two: for step 1
// through the shared file name and for step 2 through a reference.
const listGoal = "Build a notes service in Go.\n\n" +
	"1. Write store.go with a Put and a Get method\n" +
	"2. Write handlers_test.go with table tests\n" +
	"3. Wire store.go into an HTTP server once step 2 is done\n"

// startTestPool runs a pool whose agents sleep, and stops it when the test
// ends.
func startTestPool(t *testing.T) *executor.Pool {
	t.Helper()
	pool, err := executor.New(executor.Options{
		MaxInstances:  2,
		WorkspaceRoot: filepath.Join(t.TempDir(), "workspaces"),
		Agent:         agent.MustParse("/bin/sh -c 'sleep 30'"),
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

// connect returns an initialized MCP client of a Server for pool.
func connect(t *testing.T, pool *executor.Pool, opts Options) *client.Client {
	t.Helper()
	opts.Logger = zaptest.NewLogger(t)
	mcpClient, err := client.NewInProcessClient(New(pool, opts).MCP())
	require.NoError(t, err)
	t.Cleanup(func() { _ = mcpClient.Close() })
	require.NoError(t, mcpClient.Start(t.Context()))
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_LEGACY_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: "decompose-test", Version: "1"}
	_, err = mcpClient.Initialize(t.Context(), init)
	require.NoError(t, err)
	return mcpClient
}

// callDecompose calls the decompose tool and returns its result.
func callDecompose(t *testing.T, mcpClient *client.Client, args map[string]any) *mcp.CallToolResult {
	t.Helper()
	req := mcp.CallToolRequest{}
	req.Params.Name = "decompose"
	req.Params.Arguments = args
	result, err := mcpClient.CallTool(t.Context(), req)
	require.NoError(t, err)
	return result
}

// decodeOutput returns the structured content of a successful result.
func decodeOutput(t *testing.T, result *mcp.CallToolResult) DecomposeOutput {
	t.Helper()
	require.False(t, result.IsError, "result: %s", resultText(result))
	data, err := json.Marshal(result.StructuredContent)
	require.NoError(t, err)
	var out DecomposeOutput
	require.NoError(t, json.Unmarshal(data, &out))
	return out
}

// resultText returns the first text block of a result.
func resultText(result *mcp.CallToolResult) string {
	for _, content := range result.Content {
		if text, ok := content.(mcp.TextContent); ok {
			return text.Text
		}
	}
	return ""
}

func TestDecomposeListedOverMCP(t *testing.T) {
	pool := startTestPool(t)
	mcpClient := connect(t, pool, Options{})
	listed, err := mcpClient.ListTools(t.Context(), mcp.ListToolsRequest{})
	require.NoError(t, err)

	var found *mcp.Tool
	for i := range listed.Tools {
		if listed.Tools[i].Name == "decompose" {
			found = &listed.Tools[i]
		}
	}
	require.NotNil(t, found)
	assert.Contains(t, found.InputSchema.Properties, "goal")
	assert.Equal(t, []string{"goal"}, found.InputSchema.Required)
	assert.Contains(t, found.OutputSchema.Properties, "tasks")
}

func TestDecomposeListModeReturnsPlan(t *testing.T) {
	pool := startTestPool(t)
	mcpClient := connect(t, pool, Options{})

	out := decodeOutput(t, callDecompose(t, mcpClient, map[string]any{"goal": listGoal}))

	preamble := "Build a notes service in Go.\n\n"
	assert.Equal(t, "list", out.Mode)
	assert.Equal(t, "3 tasks, one per item of the goal's numbered list, 1 of them waiting for others.", out.Summary)
	assert.Equal(t, []SpawnTask{
		{Name: "step-1", Prompt: preamble + "Write store.go with a Put and a Get method", Owns: []string{"store.go"}, Priority: 2},
		{Name: "step-2", Prompt: preamble + "Write handlers_test.go with table tests", Priority: 1},
		{
			Name: "step-3", Prompt: preamble + "Wire store.go into an HTTP server once step 2 is done",
			DependsOn: []string{"step-1", "step-2"}, Owns: []string{"store.go"},
		},
	}, out.Tasks)
	assert.False(t, out.Submitted)
	assert.Nil(t, out.Spawn)
	status, err := pool.Status(executor.Filter{})
	require.NoError(t, err)
	assert.Empty(t, status.Tasks, "a plan without submit queues nothing")
}

func TestDecomposeSubmitQueuesTasks(t *testing.T) {
	pool := startTestPool(t)
	mcpClient := connect(t, pool, Options{})

	out := decodeOutput(t, callDecompose(t, mcpClient, map[string]any{"goal": listGoal, "submit": true}))

	assert.True(t, out.Submitted)
	require.NotNil(t, out.Spawn)
	require.Len(t, out.Spawn.Tasks, 3)
	assert.Equal(t, "step-1", out.Spawn.Tasks[0].Name)
	assert.NotEmpty(t, out.Spawn.Tasks[0].InstanceID, "step-1 is ready and a slot is free")
	assert.Empty(t, out.Spawn.Tasks[2].InstanceID, "step-3 waits for its dependencies")
	info, err := pool.Status(executor.Filter{TaskID: "step-3"})
	require.NoError(t, err)
	require.Len(t, info.Tasks, 1)
	assert.Len(t, info.Tasks[0].DependsOn, 2)
}

func TestDecomposeSubmitNameClash(t *testing.T) {
	pool := startTestPool(t)
	mcpClient := connect(t, pool, Options{})
	first := callDecompose(t, mcpClient, map[string]any{"goal": "- a\n- b", "submit": true})
	require.False(t, first.IsError, resultText(first))

	second := callDecompose(t, mcpClient, map[string]any{"goal": "- c\n- d", "submit": true})

	assert.True(t, second.IsError)
	assert.Contains(t, resultText(second), `name "step-1" is already used`)
	assert.Contains(t, resultText(second), "call decompose without submit")
}

func TestDecomposeToolErrors(t *testing.T) {
	pool := startTestPool(t)
	mcpClient := connect(t, pool, Options{})
	cases := []struct {
		name string
		args map[string]any
		want string
	}{
		{name: "empty goal", args: map[string]any{"goal": "  "}, want: "goal is empty"},
		{name: "missing goal", args: map[string]any{}, want: "goal is empty"},
		{name: "unknown mode", args: map[string]any{"goal": "x", "mode": "magic"}, want: `mode "magic" is unknown: use list or agent`},
		{name: "agent without planner", args: map[string]any{"goal": "x", "mode": "agent"}, want: "mode agent needs an agent planner"},
		{name: "unknown argument", args: map[string]any{"goal": "x", "steps": 3}, want: `unknown field "steps"`},
		{name: "step past the end", args: map[string]any{"goal": "1. a\n2. b after step 4"}, want: "step 2 refers to step 4"},
		{
			name: "cycle",
			args: map[string]any{"goal": "1. a after step 3\n2. b after step 1\n3. c after step 2", "submit": true},
			want: "dependency cycle step-1 -> step-3 -> step-2 -> step-1",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			result := callDecompose(t, mcpClient, tc.args)

			assert.True(t, result.IsError)
			assert.Contains(t, resultText(result), tc.want)
		})
	}
	status, err := pool.Status(executor.Filter{})
	require.NoError(t, err)
	assert.Empty(t, status.Tasks, "no failed call queues a task")
}

func TestDecomposeAgentModeByDefault(t *testing.T) {
	pool := startTestPool(t)
	plan := `{"type":"result","subtype":"success","is_error":false,"result":"ok","structured_output":` +
		`{"summary":"one task","tasks":[{"name":"only","prompt":"do it","depends_on":[],"owns":["a.go"],"priority":0}]}}`
	out := filepath.Join(t.TempDir(), "stdout.json")
	require.NoError(t, os.WriteFile(out, []byte(plan), 0o600))
	planner := &decompose.Planner{
		Command: decompose.Command{
			Program: "/bin/sh",
			Args:    []string{"-c", "cat " + out, "sh", decompose.PromptPlaceholder},
			Output:  decompose.OutputClaudeJSON,
		},
	}
	mcpClient := connect(t, pool, Options{Planner: planner})

	result := decodeOutput(t, callDecompose(t, mcpClient, map[string]any{"goal": "1. a\n2. b"}))

	assert.Equal(t, "agent", result.Mode)
	assert.Equal(t, "one task", result.Summary)
	assert.Equal(t, []SpawnTask{{Name: "only", Prompt: "do it", Owns: []string{"a.go"}}}, result.Tasks)
}
