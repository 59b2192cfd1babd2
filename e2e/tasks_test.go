package e2e

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/axiom-mcp/axiom-mcp/pkg/tools"
)

// mcpTask contains the fields of an MCP task (revision 2025-11-25).
type mcpTask struct {
	TaskID        string `json:"taskId"`
	Status        string `json:"status"`
	StatusMessage string `json:"statusMessage"`
}

// startTask calls a tool as an MCP task and returns the created task.
func (c *rawClient) startTask(t *testing.T, name string, args map[string]any, meta map[string]any) mcpTask {
	t.Helper()
	params := map[string]any{"name": name, "arguments": args, "task": map[string]any{"ttl": 60000}}
	if meta != nil {
		params["_meta"] = meta
	}
	var created struct {
		Task mcpTask `json:"task"`
	}
	require.NoError(t, json.Unmarshal(c.call(t, "tools/call", params), &created))
	require.NotEmpty(t, created.Task.TaskID, "tools/call with a task returns the created task")
	return created.Task
}

// pollTask calls tasks/get until the task leaves the working state and
// returns it.
func (c *rawClient) pollTask(t *testing.T, taskID string, timeout time.Duration) mcpTask {
	t.Helper()
	var got mcpTask
	require.Eventually(t, func() bool {
		require.NoError(t, json.Unmarshal(c.call(t, "tasks/get", map[string]any{"taskId": taskID}), &got))
		return got.Status != "working"
	}, timeout, 100*time.Millisecond, "task %s stayed working", taskID)
	return got
}

func TestToolsListShowsTaskSupport(t *testing.T) {
	c := startRawClient(t)
	var listed struct {
		Tools []struct {
			Name      string `json:"name"`
			Execution *struct {
				TaskSupport string `json:"taskSupport"`
			} `json:"execution"`
		} `json:"tools"`
	}
	require.NoError(t, json.Unmarshal(c.call(t, "tools/list", map[string]any{}), &listed))
	support := map[string]string{}
	for _, tool := range listed.Tools {
		if tool.Execution != nil {
			support[tool.Name] = tool.Execution.TaskSupport
		}
	}
	assert.Equal(t, "optional", support["spawn"])
	assert.Equal(t, "optional", support["wait"])
	assert.NotContains(t, support, "kill", "tools without task support list no execution")
}

// TestSpawnAndWaitAsTasks runs spawn and then wait as MCP tasks: each call
// creates a task, tasks/get follows it to completed, and tasks/result
// returns the tool's result. Progress of the wait task keeps its token.
func TestSpawnAndWaitAsTasks(t *testing.T) {
	c := startRawClient(t, "--tick", "100ms")

	spawnTask := c.startTask(t, "spawn", map[string]any{"tasks": []map[string]any{
		{"name": "one", "prompt": "sleep:0.3"}, {"name": "two", "prompt": "productive:2"},
	}}, nil)
	assert.Equal(t, "working", spawnTask.Status, "a new task is working")
	assert.Equal(t, "completed", c.pollTask(t, spawnTask.TaskID, 10*time.Second).Status)
	var spawned tools.SpawnOutput
	decodeToolResult(t, c.call(t, "tasks/result", map[string]any{"taskId": spawnTask.TaskID}), &spawned)
	require.Len(t, spawned.Tasks, 2)

	waitTask := c.startTask(t, "wait", map[string]any{"task_ids": []string{"one", "two"}, "timeout_seconds": 30},
		map[string]any{"progressToken": "wait-task"})
	resultID := c.request(t, "tasks/result", map[string]any{"taskId": waitTask.TaskID})
	before, resp := c.collect(t, resultID, 40*time.Second)
	require.Nil(t, resp.Error, resp.line)
	var waited tools.WaitOutput
	decodeToolResult(t, resp.Result, &waited)
	assert.True(t, waited.Done)
	require.Len(t, waited.Finished, 2)
	for _, task := range waited.Finished {
		assert.Equal(t, "succeeded", task.State, "task %s", task.Name)
	}
	progress := progressOf(t, before, "wait-task")
	require.NotEmpty(t, progress, "the wait task sends progress with the call's token")
	assert.Equal(t, float64(2), progress[len(progress)-1].Progress)
	assert.Equal(t, "completed", c.pollTask(t, waitTask.TaskID, 5*time.Second).Status)
}

// TestCancelledWaitTaskKeepsInstance cancels a wait that runs as an MCP
// task: the task ends cancelled, and the instance it waited for still runs.
func TestCancelledWaitTaskKeepsInstance(t *testing.T) {
	c := startRawClient(t, "--tick", "100ms")
	var spawned tools.SpawnOutput
	c.callTool(t, "spawn", map[string]any{"prompt": "chatty"}, &spawned)
	taskID := spawned.Tasks[0].TaskID

	waitTask := c.startTask(t, "wait", map[string]any{"task_ids": []string{taskID}, "timeout_seconds": 120}, nil)
	time.Sleep(300 * time.Millisecond)
	var cancelled mcpTask
	require.NoError(t, json.Unmarshal(c.call(t, "tasks/cancel", map[string]any{"taskId": waitTask.TaskID}), &cancelled))
	assert.Equal(t, "cancelled", cancelled.Status)
	assert.Equal(t, "cancelled", c.pollTask(t, waitTask.TaskID, 5*time.Second).Status)

	var st tools.StatusOutput
	c.callTool(t, "status", map[string]any{"task_id": taskID}, &st)
	assert.Equal(t, "running", findTask(t, st, taskID).State)
	require.Len(t, st.Instances, 1)
	assert.Nil(t, st.Instances[0].EndedAt, "the instance still runs")
}

// TestToolsWorkWithoutTasks calls spawn, wait and status the plain way on a
// server that offers tasks: each returns its result directly.
func TestToolsWorkWithoutTasks(t *testing.T) {
	c := startRawClient(t, "--tick", "100ms")
	var spawned tools.SpawnOutput
	c.callTool(t, "spawn", map[string]any{"prompt": "sleep:0.2"}, &spawned)
	require.Len(t, spawned.Tasks, 1)

	var waited tools.WaitOutput
	c.callTool(t, "wait", map[string]any{"timeout_seconds": 20}, &waited)
	assert.True(t, waited.Done)
	require.Len(t, waited.Finished, 1)
	assert.Equal(t, "succeeded", waited.Finished[0].State)

	var st tools.StatusOutput
	c.callTool(t, "status", map[string]any{}, &st)
	assert.Equal(t, 1, st.Pool.Succeeded)
}
