package executor

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/axiom-mcp/axiom-mcp/pkg/proctree"
	"github.com/axiom-mcp/axiom-mcp/pkg/store"
)

// crashedRun records a run whose server is gone, with one task whose
// attempt was running as the process proc, and returns the task id. The
// run's pid is this process with a wrong start time, so it never counts
// as alive.
func crashedRun(t *testing.T, st *store.Store, workspace, prompt string, pid int, pidStart uint64) string {
	t.Helper()
	ctx := context.Background()
	run, err := st.StartRun(ctx, store.Run{StartedAt: time.Now(), PID: os.Getpid(), PIDStart: 1, Version: "old"})
	require.NoError(t, err)
	spec, err := json.Marshal(TaskSpec{Prompt: prompt})
	require.NoError(t, err)
	now := time.Now()
	require.NoError(t, st.AddTasks(ctx, []store.Task{{ID: "t-old", RunID: run.ID, FirstRunID: run.ID, Spec: spec,
		Workspace: workspace, State: "running", Attempts: 1, MaxAttempts: 3, CreatedAt: now, UpdatedAt: now}}))
	require.NoError(t, st.AddAttempt(ctx, store.Attempt{InstanceID: "i-old", TaskID: "t-old", RunID: run.ID,
		Attempt: 1, PID: pid, PIDStart: pidStart, PGID: pid, SID: pid, Workspace: workspace, State: "working",
		StartedAt: now}))
	return "t-old"
}

// recoveringPool returns a pool on a new run of st that has run Recover.
func recoveringPool(t *testing.T, st *store.Store) (*Pool, RecoveryReport) {
	t.Helper()
	run, err := st.StartRun(context.Background(), store.Run{StartedAt: time.Now(), PID: os.Getpid(), Version: "new"})
	require.NoError(t, err)
	opts := storeOptions(t, st, run)
	opts.KillGrace = time.Second
	pool := startPool(t, opts)
	report, err := pool.Recover(context.Background())
	require.NoError(t, err)
	return pool, report
}

func alive(pid int, start uint64) bool {
	proc, err := proctree.Read(pid)
	return err == nil && proc.Start == start && proc.State != 'Z'
}

func TestRecoverLeavesReusedPidAlone(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(context.Background(), filepath.Join(dir, "state"), nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	unrelated := exec.Command("sleep", "60")
	require.NoError(t, unrelated.Start())
	t.Cleanup(func() { _ = unrelated.Process.Kill(); _ = unrelated.Wait() })
	proc, err := proctree.Read(unrelated.Process.Pid)
	require.NoError(t, err)
	workspace := filepath.Join(dir, "workspaces", "t-old")
	require.NoError(t, os.MkdirAll(workspace, 0o755))
	taskID := crashedRun(t, st, workspace, "productive:1", proc.PID, proc.Start+1)

	pool, report := recoveringPool(t, st)
	require.Len(t, report.Instances, 1)
	assert.True(t, report.Instances[0].PIDReused)
	assert.Empty(t, report.Instances[0].Ended)
	assert.True(t, alive(proc.PID, proc.Start), "the unrelated process was signalled")
	assert.Equal(t, []string{taskID}, report.Requeued)

	final := waitTask(t, pool, taskID, 20*time.Second)
	assert.Equal(t, "succeeded", final.State)
	assert.Equal(t, 2, final.Attempts)
	assert.True(t, alive(proc.PID, proc.Start), "the unrelated process was signalled")
}

func TestRecoverEndsLeftoverProcesses(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(context.Background(), filepath.Join(dir, "state"), nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	workspace := filepath.Join(dir, "workspaces", "t-old")
	require.NoError(t, os.MkdirAll(workspace, 0o755))

	// The agent runs as an old server would have started it: in its own
	// session, with the instance id in its environment.
	agentCmd := exec.Command(testAgentPath, "background-child sleep:60")
	agentCmd.Dir = workspace
	agentCmd.Env = append(os.Environ(), instanceEnvKey+"=i-old")
	agentCmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	require.NoError(t, agentCmd.Start())
	waited := make(chan struct{})
	go func() { _ = agentCmd.Wait(); close(waited) }()
	t.Cleanup(func() { _ = agentCmd.Process.Kill(); <-waited })
	child := waitChildPID(t, workspace)
	agentProc, err := proctree.Read(agentCmd.Process.Pid)
	require.NoError(t, err)
	childProc, err := proctree.Read(child)
	require.NoError(t, err)
	t.Cleanup(func() { _ = syscall.Kill(child, syscall.SIGKILL) })
	taskID := crashedRun(t, st, workspace, "productive:1", agentProc.PID, agentProc.Start)

	_, report := recoveringPool(t, st)
	require.Len(t, report.Instances, 1)
	assert.ElementsMatch(t, []int{agentProc.PID, child}, report.Instances[0].Ended)
	assert.False(t, alive(agentProc.PID, agentProc.Start), "the old agent still runs")
	assert.False(t, alive(child, childProc.Start), "the old agent's child still runs")
	assert.Equal(t, []string{taskID}, report.Requeued)
}

func TestRecoverEndsChildOfDeadAgent(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(context.Background(), filepath.Join(dir, "state"), nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	workspace := filepath.Join(dir, "workspaces", "t-old")
	require.NoError(t, os.MkdirAll(workspace, 0o755))
	agentCmd := exec.Command(testAgentPath, "background-child")
	agentCmd.Dir = workspace
	agentCmd.Env = append(os.Environ(), instanceEnvKey+"=i-old")
	agentCmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	require.NoError(t, agentCmd.Start())
	agentProc, err := proctree.Read(agentCmd.Process.Pid)
	require.NoError(t, err)
	require.NoError(t, agentCmd.Wait(), "the agent exits once its child started")
	child := waitChildPID(t, workspace)
	childProc, err := proctree.Read(child)
	require.NoError(t, err)
	t.Cleanup(func() { _ = syscall.Kill(child, syscall.SIGKILL) })
	crashedRun(t, st, workspace, "productive:1", agentProc.PID, agentProc.Start)

	_, report := recoveringPool(t, st)
	require.Len(t, report.Instances, 1)
	assert.Equal(t, []int{child}, report.Instances[0].Ended)
	assert.False(t, alive(child, childProc.Start), "the dead agent's child still runs")
}

func TestRecoverWritesHandoff(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(context.Background(), filepath.Join(dir, "state"), nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	workspace := filepath.Join(dir, "workspaces", "t-old")
	taskID := crashedRun(t, st, workspace, "sleep:30", 0, 0)

	pool, _ := recoveringPool(t, st)
	inst := waitInstance(t, pool, taskID)
	st2, err := pool.Status(Filter{TaskID: taskID})
	require.NoError(t, err)
	require.Len(t, st2.Tasks, 1)
	assert.Contains(t, st2.Tasks[0].Handoff, "the server stopped while attempt 1 ran")
	assert.Contains(t, st2.Tasks[0].Handoff, "this is attempt 2 of 3")
	assert.Equal(t, 2, inst.Attempt)
	assert.DirExists(t, workspace)
}

func TestRecoverSkipsLiveServer(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, t.TempDir(), nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	self, err := proctree.Read(os.Getpid())
	require.NoError(t, err)
	live, err := st.StartRun(ctx, store.Run{StartedAt: time.Now(), PID: self.PID, PIDStart: self.Start, Version: "live"})
	require.NoError(t, err)

	_, report := recoveringPool(t, st)
	assert.Empty(t, report.Runs)
	got, err := st.Run(ctx, live.ID)
	require.NoError(t, err)
	assert.Zero(t, got.RecoveredBy)
}

// waitChildPID reads the pid the test agent's background-child directive
// writes to child.pid in dir.
func waitChildPID(t *testing.T, dir string) int {
	t.Helper()
	var pid int
	require.Eventually(t, func() bool {
		data, err := os.ReadFile(filepath.Join(dir, "child.pid"))
		if err != nil {
			return false
		}
		pid, err = strconv.Atoi(strings.TrimSpace(string(data)))
		return err == nil
	}, 10*time.Second, 20*time.Millisecond)
	return pid
}

func TestRecoverKeepsWorktree(t *testing.T) {
	ctx := context.Background()
	repo := newGitRepo(t)
	dir := t.TempDir()
	st, err := store.Open(ctx, filepath.Join(dir, "state"), nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	oldRun, err := st.StartRun(ctx, store.Run{StartedAt: time.Now(), PID: os.Getpid(), PIDStart: 1, Version: "old"})
	require.NoError(t, err)

	// The old pool queues a worktree task behind a blocker and stops. Its
	// shutdown cancels both, so the records are set back to what a crash
	// would have left: the blocker done and the worktree task queued.
	opts := storeOptions(t, st, oldRun)
	opts.MaxInstances = 1
	opts.WorkspaceRoot = filepath.Join(dir, "workspaces")
	opts.Agent = testTemplate()
	old, err := New(opts)
	require.NoError(t, err)
	infos, err := old.Submit([]TaskSpec{
		{Prompt: "silent", Name: "blocker"},
		{Prompt: "productive:1", Name: "tree", Workdir: filepath.Join(repo, "app"), DependsOn: []string{"blocker"}},
	})
	require.NoError(t, err)
	runCtx, stop := context.WithCancel(ctx)
	stopped := make(chan struct{})
	go func() { _ = old.Run(runCtx); close(stopped) }()
	stop()
	<-stopped
	now := time.Now()
	require.NoError(t, st.UpdateTask(ctx, infos[0].ID, store.TaskUpdate{State: "succeeded", Attempts: 1,
		UpdatedAt: now, FinishedAt: now}))
	require.NoError(t, st.UpdateTask(ctx, infos[1].ID, store.TaskUpdate{State: "queued", UpdatedAt: now}))

	pool, report := recoveringPool(t, st)
	assert.Equal(t, []string{infos[1].ID}, report.Requeued)
	final := waitTask(t, pool, infos[1].ID, 20*time.Second)
	assert.Equal(t, "succeeded", final.State)
	assert.Equal(t, "axiom/tree", final.Branch)
	assert.Equal(t, repo, final.Repository)
	assert.Equal(t, []string{"app/file-1.txt"}, final.ChangedFiles)
}
