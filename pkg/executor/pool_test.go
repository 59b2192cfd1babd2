package executor

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/axiom-mcp/axiom-mcp/pkg/scoring"
)

func longThresholds() scoring.Thresholds {
	return scoring.Thresholds{IdleTimeout: time.Hour, UnproductiveFor: time.Hour}
}

func TestIdleInstanceKilledAndTaskRetried(t *testing.T) {
	pool := startPool(t, Options{Thresholds: scoring.Thresholds{IdleTimeout: 2 * time.Second}})
	events, stop := pool.Subscribe(100)
	defer stop()
	task := submitOne(t, pool, TaskSpec{Prompt: "silent-once"})

	final := waitTask(t, pool, task.ID, 20*time.Second)
	assert.Equal(t, "succeeded", final.State)
	assert.Equal(t, 2, final.Attempts)
	insts := instancesOf(t, pool, task.ID)
	require.Len(t, insts, 2)
	assert.Equal(t, "killed", insts[0].State)
	assert.Contains(t, insts[0].KillReason, "kill-idle")
	assert.Equal(t, "exited", insts[1].State)
	assert.Equal(t, insts[0].Workspace, insts[1].Workspace, "the next attempt inherits the workspace")
	_, err := os.Stat(filepath.Join(insts[1].Workspace, "file-2.txt"))
	assert.NoError(t, err)

	var kinds []string
	for len(events) > 0 {
		kinds = append(kinds, (<-events).Kind)
	}
	assert.Contains(t, kinds, EventWarning, "a warning precedes the kill")
	assert.Contains(t, kinds, EventInstanceKilled)
	assert.Contains(t, kinds, EventTaskRequeued)
}

func TestIdleTaskFailsAfterMaxAttempts(t *testing.T) {
	pool := startPool(t, Options{MaxAttempts: 2, Thresholds: scoring.Thresholds{IdleTimeout: time.Second}})
	task := submitOne(t, pool, TaskSpec{Prompt: "silent"})
	final := waitTask(t, pool, task.ID, 20*time.Second)
	assert.Equal(t, "failed", final.State)
	assert.Equal(t, 2, final.Attempts)
	assert.Contains(t, final.LastError, "no activity")
}

func TestProductiveInstanceScoresAndWritesFiles(t *testing.T) {
	pool := startPool(t, Options{})
	task := submitOne(t, pool, TaskSpec{Prompt: "productive:4"})
	var best int
	require.Eventually(t, func() bool {
		for _, inst := range instancesOf(t, pool, task.ID) {
			best = max(best, inst.Score)
			if inst.EndedAt != nil {
				return true
			}
		}
		return false
	}, 20*time.Second, 50*time.Millisecond)
	assert.GreaterOrEqual(t, best, 50)

	insts := instancesOf(t, pool, task.ID)
	assert.ElementsMatch(t, []string{"file-1.txt", "file-2.txt", "file-3.txt", "file-4.txt"}, insts[0].FilesCreated)
}

func TestORC03AdmissionControl(t *testing.T) {
	pool := startPool(t, Options{MaxInstances: 2, Thresholds: longThresholds()})
	tasks, err := pool.Submit([]TaskSpec{{Prompt: "sleep:2"}, {Prompt: "sleep:2"}, {Prompt: "sleep:2"}})
	require.NoError(t, err)
	st, err := pool.Status(Filter{})
	require.NoError(t, err)
	assert.Equal(t, 2, st.Pool.SlotsUsed)
	assert.Equal(t, 2, st.Pool.Running)
	assert.Equal(t, 1, st.Pool.Queued)
	for _, task := range tasks {
		assert.Equal(t, "succeeded", waitTask(t, pool, task.ID, 20*time.Second).State)
	}
}

func TestPriorityOrdersReadyTasks(t *testing.T) {
	pool := startPool(t, Options{MaxInstances: 1, Thresholds: longThresholds()})
	first := submitOne(t, pool, TaskSpec{Prompt: "sleep:1", Name: "first"})
	tasks, err := pool.Submit([]TaskSpec{
		{Prompt: "exit:0", Name: "low"},
		{Prompt: "exit:0", Name: "high", Priority: 5},
	})
	require.NoError(t, err)
	low := waitTask(t, pool, tasks[0].ID, 20*time.Second)
	high := waitTask(t, pool, tasks[1].ID, 20*time.Second)
	waitTask(t, pool, first.ID, 20*time.Second)
	assert.True(t, high.FinishedAt.Before(*low.FinishedAt), "higher priority ran first")
}

func TestDependenciesRunInOrderAndBlock(t *testing.T) {
	pool := startPool(t, Options{MaxAttempts: 1, Thresholds: longThresholds()})
	tasks, err := pool.Submit([]TaskSpec{
		{Prompt: "sleep:1", Name: "base"},
		{Prompt: "exit:0", Name: "after-base", DependsOn: []string{"base"}},
		{Prompt: "exit:3", Name: "broken"},
		{Prompt: "exit:0", Name: "after-broken", DependsOn: []string{"broken"}},
		{Prompt: "exit:0", Name: "chain", DependsOn: []string{"after-broken"}},
	})
	require.NoError(t, err)
	st, err := pool.Status(Filter{TaskID: "after-base"})
	require.NoError(t, err)
	assert.Equal(t, "queued", st.Tasks[0].State, "waits for its dependency")

	base := waitTask(t, pool, tasks[0].ID, 10*time.Second)
	after := waitTask(t, pool, tasks[1].ID, 10*time.Second)
	assert.Equal(t, "succeeded", after.State)
	assert.False(t, after.Instances == nil)
	afterInst := instancesOf(t, pool, tasks[1].ID)[0]
	assert.False(t, afterInst.StartedAt.Before(*base.FinishedAt), "started after its dependency finished")

	assert.Equal(t, "failed", waitTask(t, pool, tasks[2].ID, 10*time.Second).State)
	blocked := waitTask(t, pool, tasks[3].ID, 10*time.Second)
	assert.Equal(t, "blocked", blocked.State)
	assert.Contains(t, blocked.LastError, "broken failed")
	assert.Equal(t, "blocked", waitTask(t, pool, tasks[4].ID, 10*time.Second).State)
}

func TestSubmitRejectsBadInput(t *testing.T) {
	pool := startPool(t, Options{})
	existing := submitOne(t, pool, TaskSpec{Prompt: "exit:0", Name: "taken"})
	cases := []struct {
		name  string
		specs []TaskSpec
		want  string
	}{
		{"empty prompt", []TaskSpec{{Prompt: "  "}}, "prompt is empty"},
		{"negative priority", []TaskSpec{{Prompt: "x", Priority: -1}}, "priority -1 is negative"},
		{"missing dependency", []TaskSpec{{Prompt: "x", DependsOn: []string{"t-missing"}}}, `depends_on "t-missing" names no known task`},
		{"huge prompt", []TaskSpec{{Prompt: strings.Repeat("p", 2<<20)}}, "prompt is 2097152 bytes"},
		{"duplicate name", []TaskSpec{{Prompt: "x", Name: "taken"}}, `name "taken" is already used`},
		{"self dependency", []TaskSpec{{Prompt: "x", Name: "me", DependsOn: []string{"me"}}}, "names the task itself"},
		{"cycle", []TaskSpec{{Prompt: "x", Name: "a", DependsOn: []string{"b"}}, {Prompt: "x", Name: "b", DependsOn: []string{"a"}}}, "cycle"},
		{"escaping workdir", []TaskSpec{{Prompt: "x", Workdir: "../out"}}, "leaves the workspace root"},
		{"existing workdir", []TaskSpec{{Prompt: "x", Workdir: existing.ID}}, "already exists"},
		{"no tasks", nil, "no tasks given"},
		{"shared workdir", []TaskSpec{{Prompt: "x", Workdir: "same"}, {Prompt: "y", Workdir: "same"}}, "also the workspace of task 1"},
		{"late failure", []TaskSpec{{Prompt: "x", Workdir: "fresh"}, {Prompt: "y", Workdir: existing.ID}}, "already exists"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := pool.Submit(tc.specs)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	st, err := pool.Status(Filter{})
	require.NoError(t, err)
	assert.Len(t, st.Tasks, 1, "nothing was queued by a rejected request")
	for _, dir := range []string{"same", "fresh"} {
		_, err := os.Stat(filepath.Join(pool.Options().WorkspaceRoot, dir))
		assert.True(t, os.IsNotExist(err), "a rejected request leaves no workspace %s", dir)
	}
}

func TestDependencyByIDAcrossRequests(t *testing.T) {
	pool := startPool(t, Options{})
	first := submitOne(t, pool, TaskSpec{Prompt: "exit:0"})
	second := submitOne(t, pool, TaskSpec{Prompt: "exit:0", DependsOn: []string{first.ID}})
	assert.Equal(t, []string{first.ID}, second.DependsOn)
	assert.Equal(t, "succeeded", waitTask(t, pool, second.ID, 10*time.Second).State)
}

func TestShutdownEndsEveryInstance(t *testing.T) {
	opts := Options{
		Agent:         testTemplate(),
		WorkspaceRoot: t.TempDir(),
		KillGrace:     time.Second,
		Thresholds:    longThresholds(),
		TickInterval:  100 * time.Millisecond,
	}
	pool, err := New(opts)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = pool.Run(ctx) }()

	tasks, err := pool.Submit([]TaskSpec{{Prompt: "silent"}, {Prompt: "ignore-term"}, {Prompt: "background-child"}, {Prompt: "chatty"}})
	require.NoError(t, err)
	var pids []int
	for _, task := range tasks[:2] {
		pids = append(pids, waitInstance(t, pool, task.ID).PID)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("pool did not shut down within 10 s")
	}
	for _, pid := range pids {
		assert.Empty(t, sessionMembers(t, pid))
	}
	_, err = pool.Submit([]TaskSpec{{Prompt: "x"}})
	assert.ErrorIs(t, err, ErrClosed)
}
