package tools

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"

	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
)

// manyTasks is the size of the pool in the paging tests.
const manyTasks = 5000

// queueManyTasks starts a pool with one slot whose agent waits, queues
// manyTasks tasks and returns a client of it. One task runs and the others
// stay queued. The pool does not log, because thousands of task events
// would slow the test down.
func queueManyTasks(t *testing.T) *client.Client {
	t.Helper()
	pool := startOutputPool(t, "/bin/sh -c 'sleep 30'", executor.Options{MaxInstances: 1, Logger: zap.NewNop()})
	specs := make([]executor.TaskSpec, manyTasks)
	for i := range specs {
		specs[i] = executor.TaskSpec{Prompt: fmt.Sprintf("task number %d: wait for the others", i+1)}
	}
	_, err := pool.Submit(specs)
	require.NoError(t, err)
	return connect(t, pool, Options{})
}

// callStatus calls the status tool and returns the result's structured
// content as JSON.
func callStatusPage(t *testing.T, mcpClient *client.Client, args map[string]any) (*mcp.CallToolResult, []byte) {
	t.Helper()
	req := mcp.CallToolRequest{}
	req.Params.Name = "status"
	req.Params.Arguments = args
	result, err := mcpClient.CallTool(t.Context(), req)
	require.NoError(t, err)
	if result.IsError {
		return result, nil
	}
	data, err := json.Marshal(result.StructuredContent)
	require.NoError(t, err)
	return result, data
}

// readStatus calls the status tool and decodes a successful result.
func readStatus(t *testing.T, mcpClient *client.Client, args map[string]any) (StatusOutput, int) {
	t.Helper()
	result, data := callStatusPage(t, mcpClient, args)
	require.False(t, result.IsError, "result: %s", resultText(result))
	var out StatusOutput
	require.NoError(t, json.Unmarshal(data, &out))
	return out, len(data)
}

// TestStatusManyTasks shares one pool among its subtests, because creating
// thousands of workspaces takes seconds.
func TestStatusManyTasks(t *testing.T) {
	mcpClient := queueManyTasks(t)

	t.Run("first page", func(t *testing.T) {
		out, size := readStatus(t, mcpClient, nil)

		assert.LessOrEqual(t, size, ResultBudget)
		assert.Equal(t, manyTasks, out.TasksMatched)
		assert.Len(t, out.Tasks, defaultStatusLimit)
		assert.Equal(t, defaultStatusLimit, out.NextOffset)
		assert.True(t, out.Truncated)
		assert.Contains(t, out.Note, "showing tasks 1 to 50 of 5000: call status with offset 50")
		assert.Equal(t, manyTasks-1, out.Pool.Queued)
		assert.Equal(t, 1, out.Pool.Running)
	})

	t.Run("all pages", func(t *testing.T) {
		seen := make(map[string]bool, manyTasks)
		offset, pages, cut := 0, 0, 0
		for {
			out, size := readStatus(t, mcpClient, map[string]any{"offset": offset, "limit": maxStatusLimit})
			require.LessOrEqual(t, size, ResultBudget, "page at offset %d", offset)
			require.NotEmpty(t, out.Tasks, "page at offset %d", offset)
			for _, task := range out.Tasks {
				seen[task.ID] = true
			}
			if len(out.Tasks) < maxStatusLimit && out.NextOffset != 0 {
				cut++
			}
			pages++
			if out.NextOffset == 0 {
				break
			}
			require.Equal(t, offset+len(out.Tasks), out.NextOffset)
			offset = out.NextOffset
		}

		assert.Len(t, seen, manyTasks, "every task appears once")
		assert.Positive(t, cut, "the budget, not only the limit, cuts pages of %d tasks", maxStatusLimit)
		assert.Greater(t, pages, manyTasks/maxStatusLimit)
	})

	t.Run("by state", func(t *testing.T) {
		running, _ := readStatus(t, mcpClient, map[string]any{"state": "running"})
		queued, size := readStatus(t, mcpClient, map[string]any{"state": "queued", "offset": 4990})

		assert.Equal(t, 1, running.TasksMatched)
		assert.Len(t, running.Instances, 1)
		assert.Zero(t, running.NextOffset)
		assert.False(t, running.Truncated)
		assert.Equal(t, manyTasks-1, queued.TasksMatched)
		assert.Len(t, queued.Tasks, manyTasks-1-4990)
		assert.Zero(t, queued.NextOffset, "the last page has no next offset")
		assert.Less(t, size, ResultBudget)
	})
}

func TestStatusPagingErrors(t *testing.T) {
	pool := startTestPool(t)
	mcpClient := connect(t, pool, Options{})
	cases := []struct {
		name string
		args map[string]any
		want string
	}{
		{name: "limit too large", args: map[string]any{"limit": 501}, want: "limit 501 is out of range: use 1 to 500"},
		{name: "negative limit", args: map[string]any{"limit": -1}, want: "limit -1 is out of range"},
		{name: "negative offset", args: map[string]any{"offset": -1}, want: "offset -1 is negative"},
		{name: "unknown state", args: map[string]any{"state": "done"}, want: `state "done" is unknown: use one of queued, running`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			result, _ := callStatusPage(t, mcpClient, tc.args)

			assert.True(t, result.IsError)
			assert.Contains(t, resultText(result), tc.want)
		})
	}
}

func TestStatusOffsetPastEndNote(t *testing.T) {
	pool := startTestPool(t)
	mcpClient := connect(t, pool, Options{})
	_, err := pool.Submit([]executor.TaskSpec{{Prompt: "a"}, {Prompt: "b"}})
	require.NoError(t, err)

	out, _ := readStatus(t, mcpClient, map[string]any{"offset": 5})

	assert.Empty(t, out.Tasks)
	assert.Zero(t, out.NextOffset)
	assert.Equal(t, "offset 5 is past the last of the 2 selected tasks: use a smaller offset", out.Note)
}

func TestFitBudgetDropsTasks(t *testing.T) {
	st := executor.Status{TasksMatched: 400}
	for i := range 400 {
		id := fmt.Sprintf("t-%04d", i)
		st.Tasks = append(st.Tasks, executor.TaskInfo{ID: id, Prompt: strings.Repeat("p", 200)})
		st.Instances = append(st.Instances, executor.InstanceInfo{ID: "i-" + id, TaskID: id, ScreenTail: []string{}})
	}

	out := fitBudget(st, 15)
	notePage(&out, 0)
	data, err := json.Marshal(out)
	require.NoError(t, err)

	assert.LessOrEqual(t, len(data), ResultBudget)
	assert.Less(t, len(out.Tasks), 400)
	assert.Len(t, out.Instances, len(out.Tasks), "only the instances of the tasks kept")
	assert.Equal(t, out.Tasks[len(out.Tasks)-1].ID, out.Instances[len(out.Instances)-1].TaskID)
	assert.Equal(t, len(out.Tasks), out.NextOffset)
	assert.True(t, out.Truncated)
}
