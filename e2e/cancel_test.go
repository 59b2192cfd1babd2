package e2e

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
)

func TestCancelOverStdio(t *testing.T) {
	s := startServer(t, nil, "--agent", agentBin, "--max-instances", "1", "--tick", "200ms")
	var spawned spawnResult
	s.callOK(t, "spawn", map[string]any{"tasks": []map[string]any{
		{"prompt": "sleep:30", "name": "build"},
		{"prompt": "exit:0", "name": "test", "depends_on": []string{"build"}},
		{"prompt": "sleep:30", "name": "lint"},
		{"prompt": "exit:0", "name": "report", "depends_on": []string{"lint"}},
	}}, &spawned)
	require.Len(t, spawned.Tasks, 4)
	build, lint := spawned.Tasks[0], spawned.Tasks[2]
	require.NotEmpty(t, build.InstanceID, "build started in the only slot")

	var cancelled executor.CancelResult
	s.callOK(t, "cancel", map[string]any{"tasks": []string{"build"}, "reason": "wrong branch"}, &cancelled)
	require.Len(t, cancelled.Cancelled, 2)
	assert.Equal(t, executor.CancelledTask{TaskID: build.TaskID, Name: "build", PreviousState: "running",
		InstanceID: build.InstanceID, Reason: "cancelled by the client: wrong branch"}, cancelled.Cancelled[0])
	assert.Equal(t, "depends on build", cancelled.Cancelled[1].Reason)

	var lintInstance string
	require.Eventually(t, func() bool {
		task := findTask(t, s.status(t, map[string]any{"task_id": "lint", "tail_lines": 1}), lint.TaskID)
		if task.State == "running" && len(task.Instances) > 0 {
			lintInstance = task.Instances[len(task.Instances)-1]
		}
		return lintInstance != ""
	}, 10*time.Second, 100*time.Millisecond, "lint takes the freed slot")

	var killed executor.KillResult
	s.callOK(t, "kill", map[string]any{"instance_id": lintInstance, "cancel_dependents": true}, &killed)
	assert.Equal(t, "cancelled", killed.TaskState)
	require.Len(t, killed.Cancelled, 2)
	assert.Equal(t, "report", killed.Cancelled[1].Name)
	assert.Equal(t, "depends on lint", killed.Cancelled[1].Reason)

	msg := s.callError(t, "cancel", map[string]any{"tasks": []string{"ghost"}})
	assert.Contains(t, msg, `task "ghost" not found`)

	st := s.waitTasks(t, 20*time.Second)
	assert.Equal(t, 4, st.Pool.Cancelled)
}
