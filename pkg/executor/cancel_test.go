package executor

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCancelStopsTaskAndDependents(t *testing.T) {
	pool := startPool(t, Options{MaxInstances: 1, Thresholds: longThresholds()})
	tasks, err := pool.Submit([]TaskSpec{
		{Prompt: "sleep:30", Name: "build"},
		{Prompt: "exit:0", Name: "test", DependsOn: []string{"build"}},
		{Prompt: "exit:0", Name: "deploy", DependsOn: []string{"test"}},
		{Prompt: "exit:0", Name: "docs"},
	})
	require.NoError(t, err)
	build := waitInstance(t, pool, tasks[0].ID)

	res, err := pool.Cancel([]string{"build"}, "cancelled by the client: wrong branch")
	require.NoError(t, err)
	require.Len(t, res.Cancelled, 3)
	assert.Equal(t, CancelledTask{TaskID: tasks[0].ID, Name: "build", PreviousState: "running",
		InstanceID: build.ID, Reason: "cancelled by the client: wrong branch"}, res.Cancelled[0])
	assert.Equal(t, CancelledTask{TaskID: tasks[1].ID, Name: "test", PreviousState: "queued",
		Reason: "depends on build"}, res.Cancelled[1])
	assert.Equal(t, "depends on build through test", res.Cancelled[2].Reason)
	assert.Empty(t, res.Skipped)

	inst := instancesOf(t, pool, tasks[0].ID)
	require.Len(t, inst, 1, "a cancelled task is not retried")
	assert.Equal(t, "killed", inst[0].State, "Cancel returns after the instance ended")
	assert.Contains(t, inst[0].KillReason, "wrong branch")
	assert.Equal(t, "succeeded", waitTask(t, pool, tasks[3].ID, 10*time.Second).State, "the slot is used again")
	for _, task := range tasks[:3] {
		assert.Equal(t, "cancelled", waitTask(t, pool, task.ID, time.Second).State)
	}
}

func TestCancelReportsEndedTasks(t *testing.T) {
	pool := startPool(t, Options{})
	done := submitOne(t, pool, TaskSpec{Prompt: "exit:0", Name: "done"})
	waitTask(t, pool, done.ID, 10*time.Second)

	res, err := pool.Cancel([]string{"done"}, "x")
	require.NoError(t, err)
	assert.Empty(t, res.Cancelled)
	assert.Equal(t, []SkippedTask{{TaskID: done.ID, Name: "done", State: "succeeded"}}, res.Skipped)
}

func TestCancelUnknownTaskChangesNothing(t *testing.T) {
	pool := startPool(t, Options{MaxInstances: 1, Thresholds: longThresholds()})
	tasks, err := pool.Submit([]TaskSpec{{Prompt: "sleep:30"}, {Prompt: "exit:0", Name: "later"}})
	require.NoError(t, err)

	_, err = pool.Cancel([]string{"later", "t-missing"}, "x")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `task "t-missing" not found`)
	st, err := pool.Status(Filter{TaskID: tasks[1].ID})
	require.NoError(t, err)
	assert.Equal(t, "queued", st.Tasks[0].State)

	_, err = pool.Cancel(nil, "x")
	assert.ErrorContains(t, err, "no tasks given")
}

func TestKillAndCancelCancelsDependents(t *testing.T) {
	pool := startPool(t, Options{Thresholds: longThresholds()})
	tasks, err := pool.Submit([]TaskSpec{
		{Prompt: "sleep:30", Name: "build"},
		{Prompt: "exit:0", Name: "test", DependsOn: []string{"build"}},
	})
	require.NoError(t, err)
	inst := waitInstance(t, pool, tasks[0].ID)

	res, err := pool.KillAndCancel(inst.ID, "killed by the client")
	require.NoError(t, err)
	assert.Equal(t, "killed", res.State)
	assert.Equal(t, "cancelled", res.TaskState)
	require.Len(t, res.Cancelled, 2)
	assert.Equal(t, tasks[1].ID, res.Cancelled[1].TaskID)
	assert.Equal(t, "depends on build", res.Cancelled[1].Reason)

	_, err = pool.KillAndCancel(inst.ID, "again")
	assert.ErrorIs(t, err, ErrInstanceEnded)
}

func TestKillWithoutRequeueBlocksDependents(t *testing.T) {
	pool := startPool(t, Options{Thresholds: longThresholds()})
	tasks, err := pool.Submit([]TaskSpec{
		{Prompt: "sleep:30", Name: "build"},
		{Prompt: "exit:0", Name: "test", DependsOn: []string{"build"}},
	})
	require.NoError(t, err)
	inst := waitInstance(t, pool, tasks[0].ID)

	_, err = pool.Kill(inst.ID, "killed by the client", false)
	require.NoError(t, err)
	blocked := waitTask(t, pool, tasks[1].ID, 10*time.Second)
	assert.Equal(t, "blocked", blocked.State)
	assert.Equal(t, "dependency build was cancelled", blocked.LastError)
}
