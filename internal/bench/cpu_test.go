package bench

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
	"github.com/axiom-mcp/axiom-mcp/pkg/proctree"
)

// startParent starts sh running script and ends it when the test ends.
func startParent(t *testing.T, script string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command("sh", "-c", script)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	return cmd
}

func TestReadCPUUsageCountsReapedChildren(t *testing.T) {
	// The child counts to 300000 in sh, which takes tenths of a second of
	// CPU time, and the parent sleeps after reaping it.
	cmd := startParent(t, `sh -c 'i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done'; exec sleep 60`)
	require.Eventually(t, func() bool {
		proc, err := proctree.Read(cmd.Process.Pid)
		return err == nil && proc.Comm == "sleep"
	}, 20*time.Second, 20*time.Millisecond, "the parent reaps the child, then runs sleep")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.NoError(t, waitChildrenReaped(ctx, cmd.Process.Pid))

	usage, err := readCPUUsage(cmd.Process.Pid)
	require.NoError(t, err)
	assert.Positive(t, usage.Children, "the reaped child's CPU time")
	assert.Less(t, usage.Own, usage.Children, "the parent only waited")
}

func TestReadCPUUsageOfMissingProcess(t *testing.T) {
	cmd := exec.Command("true")
	require.NoError(t, cmd.Run())
	_, err := readCPUUsage(cmd.Process.Pid)
	assert.ErrorContains(t, err, "read the CPU time of pid")
}

func TestWaitChildrenReapedTimesOutOnLiveChild(t *testing.T) {
	cmd := startParent(t, "sleep 60; true")
	require.Len(t, awaitChildren(t, cmd.Process.Pid), 1)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	err := waitChildrenReaped(ctx, cmd.Process.Pid)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.ErrorContains(t, err, `"sleep"`)
}

func TestChildrenOfListsDirectChildren(t *testing.T) {
	cmd := startParent(t, "sh -c 'sleep 60; true'; true")
	children := awaitChildren(t, cmd.Process.Pid)
	require.Len(t, children, 1, "the grandchild sleep is not listed")
	assert.Equal(t, cmd.Process.Pid, children[0].PPID)
}

// awaitChildren polls until pid has a child process and returns its
// children.
func awaitChildren(t *testing.T, pid int) []proctree.Proc {
	t.Helper()
	var children []proctree.Proc
	require.Eventually(t, func() bool {
		var err error
		children, err = childrenOf(pid)
		return err == nil && len(children) > 0
	}, 5*time.Second, 20*time.Millisecond, "pid %d starts a child", pid)
	return children
}

func TestTicksToDurationUsesHundredPerSecond(t *testing.T) {
	assert.Equal(t, 1230*time.Millisecond, ticksToDuration(123))
}

func TestCPUResultMetUnderTenPercent(t *testing.T) {
	run := cpuRun{Wall: 80 * time.Second, Tasks: []executor.TaskInfo{{State: "succeeded", Instances: []string{"i1"}}}}
	res, err := cpuResult(cpuUsage{Own: 2 * time.Second, Children: 40 * time.Second}, run)
	require.NoError(t, err)
	assert.True(t, res.Met)
	assert.Equal(t, "0.050", res.Ratio)
	assert.Equal(t, "server 2.00 s CPU, 5.0% of the agents'", res.Figure)
	assert.Contains(t, res.Baseline, "40.0 s CPU")
	assert.Contains(t, res.Note, "1 of 8 tasks succeeded with 1 instances in 1m20s wall time")
	assert.Contains(t, res.Note, "the server averaged 0.025 cores")
	assert.NotContains(t, res.Note, "missed")
}

func TestCPUResultMissedAtTenPercent(t *testing.T) {
	res, err := cpuResult(cpuUsage{Own: 4 * time.Second, Children: 40 * time.Second}, cpuRun{Wall: 80 * time.Second})
	require.NoError(t, err)
	assert.False(t, res.Met)
	assert.Equal(t, "0.100", res.Ratio)
	assert.Contains(t, res.Note, "Target missed")
}

func TestCPUResultRejectsAgentsWithoutCPU(t *testing.T) {
	_, err := cpuResult(cpuUsage{Own: time.Second}, cpuRun{Wall: time.Minute})
	assert.ErrorContains(t, err, "the agents used no CPU time")
}

func TestCPUScriptPromptHasDirectives(t *testing.T) {
	script := cpuScript{pace: 6 * time.Second, files: 10}
	assert.Equal(t, "Write part 3 of the notes [[pace seconds=6]] [[write files=10]]", script.prompt(3))
	assert.Equal(t, time.Minute, script.turn())
}

// succeededTask returns a succeeded task whose workspace holds the files of
// script.
func succeededTask(t *testing.T, script cpuScript) executor.TaskInfo {
	t.Helper()
	dir := t.TempDir()
	for i := 1; i <= script.files; i++ {
		name := filepath.Join(dir, "file-"+strconv.Itoa(i)+".txt")
		require.NoError(t, os.WriteFile(name, []byte("x\n"), 0o600))
	}
	return executor.TaskInfo{ID: "t1", Name: "cpu-1", State: "succeeded", Workspace: dir, Instances: []string{"i1"}}
}

func TestCheckCPUTasksAcceptsCompleteRun(t *testing.T) {
	script := cpuScript{pace: time.Second, files: 3}
	tasks := []executor.TaskInfo{succeededTask(t, script), succeededTask(t, script)}
	assert.NoError(t, checkCPUTasks(tasks, 2, script))
}

func TestCheckCPUTasksRejectsFailedTask(t *testing.T) {
	script := cpuScript{pace: time.Second, files: 3}
	failed := executor.TaskInfo{ID: "t2", Name: "cpu-2", State: "failed", Attempts: 3, LastError: "kill-idle"}
	err := checkCPUTasks([]executor.TaskInfo{succeededTask(t, script), failed}, 2, script)
	assert.ErrorContains(t, err, "task t2 (cpu-2) is failed after 3 attempts: kill-idle")
}

func TestCheckCPUTasksRejectsMissingFile(t *testing.T) {
	script := cpuScript{pace: time.Second, files: 3}
	task := succeededTask(t, script)
	require.NoError(t, os.Remove(filepath.Join(task.Workspace, "file-3.txt")))
	err := checkCPUTasks([]executor.TaskInfo{task}, 1, script)
	assert.ErrorContains(t, err, "succeeded without writing")
}

func TestCheckCPUTasksRejectsMissingTasks(t *testing.T) {
	script := cpuScript{pace: time.Second, files: 3}
	err := checkCPUTasks([]executor.TaskInfo{succeededTask(t, script)}, 8, script)
	assert.ErrorContains(t, err, "1 tasks finished, expected 8")
}

func TestCPUServerLogKeepsTail(t *testing.T) {
	var log cpuServerLog
	_, err := log.Write(make([]byte, cpuServerLogMax))
	require.NoError(t, err)
	_, err = log.Write([]byte("last line\n"))
	require.NoError(t, err)
	assert.Len(t, log.String(), cpuServerLogMax)
	assert.Contains(t, log.String(), "last line\n")
}

func TestAttemptCountSumsInstances(t *testing.T) {
	tasks := []executor.TaskInfo{{Instances: []string{"a"}}, {Instances: []string{"b", "c"}}}
	assert.Equal(t, 3, attemptCount(tasks))
}
