package executor

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPTY01EIOAfterExitIsCleanEnd(t *testing.T) {
	pool := startPool(t, Options{}, "sh", "-c", `'printf "done\n"; exit 0'`, "{prompt}")
	task := submitOne(t, pool, TaskSpec{Prompt: "unused"})

	final := waitTask(t, pool, task.ID, 10*time.Second)
	assert.Equal(t, "succeeded", final.State)
	assert.Equal(t, 1, final.Attempts, "no retry")
	insts := instancesOf(t, pool, task.ID)
	require.Len(t, insts, 1)
	assert.Equal(t, "exited", insts[0].State)
	require.NotNil(t, insts[0].ExitCode)
	assert.Equal(t, 0, *insts[0].ExitCode)
	assert.Contains(t, insts[0].ScreenTail, "done")
}

func TestPTY02TailNotLostOnFastExit(t *testing.T) {
	runs := 100
	if testing.Short() {
		runs = 20
	}
	pool := startPool(t, Options{MaxInstances: 4})
	specs := make([]TaskSpec, runs)
	for i := range specs {
		specs[i] = TaskSpec{Prompt: "print:20000"}
	}
	tasks, err := pool.Submit(specs)
	require.NoError(t, err)
	for _, task := range tasks {
		final := waitTask(t, pool, task.ID, 60*time.Second)
		require.Equal(t, "succeeded", final.State)
		insts := instancesOf(t, pool, task.ID)
		require.Len(t, insts, 1)
		assert.Equal(t, int64(20002), insts[0].OutputBytes, "20,000 bytes plus CR LF")
	}
}

func TestPTY02TranscriptHoldsLastLine(t *testing.T) {
	pool := startPool(t, Options{})
	task := submitOne(t, pool, TaskSpec{Prompt: "print:20000"})
	waitTask(t, pool, task.ID, 10*time.Second)

	id := instancesOf(t, pool, task.ID)[0].ID
	pool.mu.Lock()
	inst := pool.instances[id]
	pool.mu.Unlock()
	out := inst.transcript.Bytes()
	assert.True(t, strings.HasSuffix(string(out), strings.Repeat("a", 100)+"\r\n"))
	assert.Len(t, out, 20002)
}

func TestPTY03SlaveHeldByGrandchild(t *testing.T) {
	// The child ignores SIGHUP, so it survives the hangup the kernel sends
	// when the session leader exits and keeps the terminal open.
	pool := startPool(t, Options{DrainWindow: 500 * time.Millisecond},
		"bash", "-c", `'trap "" HUP; sleep 1000 & echo started; exit 0'`, "{prompt}")
	goroutines := runtime.NumGoroutine()
	fds := openFDs(t)
	task := submitOne(t, pool, TaskSpec{Prompt: "unused"})

	final := waitTask(t, pool, task.ID, 5*time.Second)
	assert.Equal(t, "succeeded", final.State)
	insts := instancesOf(t, pool, task.ID)
	require.Len(t, insts, 1)
	assert.NotEmpty(t, insts[0].LeftoversEnded, "the sleeping child was ended")
	assert.Empty(t, sessionMembers(t, insts[0].PID))
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > goroutines && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	assert.LessOrEqual(t, openFDs(t), fds, "the instance closed its descriptors")
	if !assert.LessOrEqual(t, runtime.NumGoroutine(), goroutines, "instance goroutines stopped") {
		buf := make([]byte, 1<<20)
		t.Log(string(buf[:runtime.Stack(buf, true)]))
	}
}

// TestPTY03ServerHoldsNoSlave checks that the server closes its copy of
// the terminal's slave side once the agent runs. A copy left open would
// keep the master readable after the agent exits, so its end would never
// be seen.
func TestPTY03ServerHoldsNoSlave(t *testing.T) {
	pool := startPool(t, Options{Thresholds: longThresholds()})
	task := submitOne(t, pool, TaskSpec{Prompt: "silent"})
	inst := waitInstance(t, pool, task.ID)

	slave, err := os.Readlink(fmt.Sprintf("/proc/%d/fd/1", inst.PID))
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(slave, "/dev/pts/"), "the agent writes to %s", slave)
	entries, err := os.ReadDir("/proc/self/fd")
	require.NoError(t, err)
	for _, entry := range entries {
		target, err := os.Readlink(filepath.Join("/proc/self/fd", entry.Name()))
		if err == nil {
			assert.NotEqual(t, slave, target, "descriptor %s of the server", entry.Name())
		}
	}
}

func TestPTY05SizeSetBeforeExec(t *testing.T) {
	pool := startPool(t, Options{})
	task := submitOne(t, pool, TaskSpec{Prompt: "stty"})
	waitTask(t, pool, task.ID, 10*time.Second)
	insts := instancesOf(t, pool, task.ID)
	require.Len(t, insts, 1)
	assert.Contains(t, insts[0].ScreenTail, "size 40 120")
}

func TestPTY06WriteToNonReaderTimesOut(t *testing.T) {
	pool := startPool(t, Options{Thresholds: longThresholds()})
	task := submitOne(t, pool, TaskSpec{Prompt: "silent"})
	inst := waitInstance(t, pool, task.ID)

	// Lines, because a terminal in canonical mode drops the characters of an
	// over-long line instead of blocking the writer.
	n, err := pool.Intervene(context.Background(), inst.ID, strings.Repeat("0123456789abcde\n", 1<<16), nil)
	require.ErrorIs(t, err, ErrNotReading)
	assert.Less(t, n, 1<<20)

	st, err := pool.Status(Filter{InstanceID: inst.ID})
	require.NoError(t, err, "other calls keep working")
	assert.Equal(t, "running", st.Tasks[0].State, "the instance is not marked failed")
}

func TestPTY09HugeOutputBounded(t *testing.T) {
	pool := startPool(t, Options{TranscriptBytes: 64 << 10})
	task := submitOne(t, pool, TaskSpec{Prompt: "flood:10000000"})
	final := waitTask(t, pool, task.ID, 30*time.Second)
	assert.Equal(t, "succeeded", final.State)
	insts := instancesOf(t, pool, task.ID)
	require.Len(t, insts, 1)
	assert.Equal(t, int64(10_000_000), insts[0].OutputBytes)

	pool.mu.Lock()
	inst := pool.instances[insts[0].ID]
	pool.mu.Unlock()
	assert.Len(t, inst.transcript.Bytes(), 64<<10)
}

func TestPROC03GroupKillAndPIDReuse(t *testing.T) {
	pool := startPool(t, Options{}, "bash", "-c", `'sleep 1000 & sleep 1000 & echo started; wait'`, "{prompt}")
	task := submitOne(t, pool, TaskSpec{Prompt: "unused"})
	inst := waitInstance(t, pool, task.ID)
	require.Eventually(t, func() bool { return len(sessionMembers(t, inst.PID)) == 3 },
		5*time.Second, 20*time.Millisecond, "bash and two sleeps")

	res, err := pool.Kill(inst.ID, "test kill", false)
	require.NoError(t, err)
	assert.False(t, res.Forced, "SIGTERM was enough")
	assert.Equal(t, "killed", res.State)
	assert.Equal(t, "cancelled", res.TaskState)
	assert.Empty(t, sessionMembers(t, inst.PID))

	_, err = pool.Kill(inst.ID, "again", false)
	assert.ErrorIs(t, err, ErrInstanceEnded, "an ended instance is never signalled again")
}

func TestPROC04TermThenKill(t *testing.T) {
	pool := startPool(t, Options{KillGrace: time.Second, Thresholds: longThresholds()})
	task := submitOne(t, pool, TaskSpec{Prompt: "ignore-term"})
	inst := waitInstance(t, pool, task.ID)
	require.Eventually(t, func() bool {
		st, _ := pool.Status(Filter{InstanceID: inst.ID})
		return len(st.Instances) == 1 && strings.Contains(strings.Join(st.Instances[0].ScreenTail, "\n"), "ignoring SIGTERM")
	}, 5*time.Second, 20*time.Millisecond)
	require.Positive(t, inst.PID, "never signal pid 0, the test's own group")
	require.NoError(t, syscall.Kill(inst.PID, syscall.SIGSTOP))

	start := time.Now()
	res, err := pool.Kill(inst.ID, "test kill", true)
	require.NoError(t, err)
	assert.True(t, res.Forced)
	assert.Less(t, time.Since(start), 5*time.Second)
	require.NotNil(t, res.ExitCode)
	assert.Equal(t, 128+int(syscall.SIGKILL), *res.ExitCode)
	assert.Empty(t, sessionMembers(t, inst.PID))
}

func TestKillUnknownInstance(t *testing.T) {
	pool := startPool(t, Options{})
	_, err := pool.Kill("i-nope", "x", true)
	assert.True(t, errors.Is(err, ErrInstanceNotFound))
	assert.ErrorContains(t, err, `"i-nope"`)
}

func TestInterveneTypesIntoTerminal(t *testing.T) {
	pool := startPool(t, Options{Thresholds: longThresholds()})
	task := submitOne(t, pool, TaskSpec{Prompt: "echo-input"})
	inst := waitInstance(t, pool, task.ID)

	n, err := pool.Intervene(context.Background(), inst.ID, "hello", []string{"enter"})
	require.NoError(t, err)
	assert.Equal(t, 6, n)
	require.Eventually(t, func() bool {
		st, _ := pool.Status(Filter{InstanceID: inst.ID})
		return strings.Contains(strings.Join(st.Instances[0].ScreenTail, "\n"), "got: hello")
	}, 5*time.Second, 20*time.Millisecond)

	_, err = pool.Intervene(context.Background(), inst.ID, "quit", []string{"enter"})
	require.NoError(t, err)
	final := waitTask(t, pool, task.ID, 10*time.Second)
	assert.Equal(t, "succeeded", final.State)

	_, err = pool.Intervene(context.Background(), inst.ID, "late", nil)
	assert.ErrorIs(t, err, ErrInstanceEnded)
}

func TestInterveneRejectsUnknownKey(t *testing.T) {
	pool := startPool(t, Options{})
	_, err := pool.Intervene(context.Background(), "i-x", "", []string{"hyper"})
	require.ErrorContains(t, err, `unknown key "hyper"`)
	assert.ErrorContains(t, err, "ctrl-c")
}

func TestExitCodeFailsAfterAttempts(t *testing.T) {
	pool := startPool(t, Options{MaxAttempts: 2})
	task := submitOne(t, pool, TaskSpec{Prompt: "exit:7"})
	final := waitTask(t, pool, task.ID, 10*time.Second)
	assert.Equal(t, "failed", final.State)
	assert.Equal(t, 2, final.Attempts)
	assert.Contains(t, final.LastError, "exited with code 7")
	assert.Contains(t, final.LastError, "gave up after 2 attempts")
}

func TestStartFailureIsReported(t *testing.T) {
	pool := startPool(t, Options{MaxAttempts: 2}, "/nonexistent/agent-"+strconv.Itoa(time.Now().Nanosecond()))
	task := submitOne(t, pool, TaskSpec{Prompt: "x"})
	final := waitTask(t, pool, task.ID, 10*time.Second)
	assert.Equal(t, "failed", final.State)
	assert.Equal(t, 2, final.Attempts, "a failed start is retried")
	assert.Contains(t, final.LastError, "could not start")
}

func openFDs(t *testing.T) int {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/fd")
	require.NoError(t, err)
	return len(entries)
}
