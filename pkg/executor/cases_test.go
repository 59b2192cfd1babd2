package executor

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/axiom-mcp/axiom-mcp/pkg/agent"
	"github.com/axiom-mcp/axiom-mcp/pkg/queue"
	"github.com/axiom-mcp/axiom-mcp/pkg/scoring"
)

// processesWithArg returns the pids of live processes, zombies excluded,
// whose command line has arg as one of its arguments.
func processesWithArg(t *testing.T, arg string) []int {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	require.NoError(t, err)
	var pids []int
	for _, entry := range entries {
		pid, err := strconv.Atoi(entry.Name())
		if err != nil {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", entry.Name(), "cmdline"))
		if err != nil || len(cmdline) == 0 {
			continue
		}
		for _, field := range bytes.Split(cmdline, []byte{0}) {
			if string(field) == arg {
				pids = append(pids, pid)
				break
			}
		}
	}
	return pids
}

// uniqueSleep returns a sleep duration in seconds, about 1000, that no other
// test uses, so the test can find its own sleep processes in /proc.
// It ends any such process still alive when the test ends.
func uniqueSleep(t *testing.T) string {
	t.Helper()
	marker := "1000." + strconv.Itoa(os.Getpid()) + strconv.Itoa(int(time.Now().UnixNano()%1000000))
	t.Cleanup(func() {
		for _, pid := range processesWithArg(t, marker) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	})
	return marker
}

func TestPROC01NoOrphansAfterStop(t *testing.T) {
	t.Run("background children after exit", func(t *testing.T) {
		marker := uniqueSleep(t)
		pool := startPool(t, Options{DrainWindow: 500 * time.Millisecond},
			"bash", "-c", `'trap "" HUP; sleep `+marker+` & sleep `+marker+` & echo started; exit 0'`, "{prompt}")
		task := submitOne(t, pool, TaskSpec{Prompt: "unused"})

		final := waitTask(t, pool, task.ID, 10*time.Second)
		assert.Equal(t, "succeeded", final.State)
		insts := instancesOf(t, pool, task.ID)
		require.Len(t, insts, 1)
		assert.Len(t, insts[0].LeftoversEnded, 2, "both sleeps are listed as ended")
		assert.Empty(t, processesWithArg(t, marker), "no sleep survives")
	})

	t.Run("setsid child when killed", func(t *testing.T) {
		marker := uniqueSleep(t)
		pool := startPool(t, Options{Thresholds: longThresholds()},
			"bash", "-c", `'setsid sleep `+marker+` & echo started; sleep 1000'`, "{prompt}")
		task := submitOne(t, pool, TaskSpec{Prompt: "unused"})
		inst := waitInstance(t, pool, task.ID)
		require.Eventually(t, func() bool { return len(processesWithArg(t, marker)) == 1 },
			5*time.Second, 20*time.Millisecond, "the setsid sleep started")
		// The pool records the agent's descendants on each tick, which is how
		// it finds a child that left the session.
		time.Sleep(500 * time.Millisecond)

		events, stop := pool.Subscribe(100)
		defer stop()
		res, err := pool.Kill(inst.ID, "test kill", false)
		require.NoError(t, err)
		assert.Equal(t, "killed", res.State)
		assert.Empty(t, processesWithArg(t, marker), "the setsid sleep was ended")
		ended := waitEvent(t, events, func(ev Event) bool { return strings.HasPrefix(ev.Message, "ended processes") })
		assert.Equal(t, inst.ID, ended.InstanceID)
	})

	t.Run("setsid child that ignores SIGTERM when killed", func(t *testing.T) {
		marker := uniqueSleep(t)
		script := filepath.Join(t.TempDir(), "agent.sh")
		require.NoError(t, os.WriteFile(script, []byte("setsid sh -c \"trap '' TERM; sleep "+marker+"\" &\n"+
			"echo started\nsleep 1000\n"), 0o755))
		pool := startPool(t, Options{Thresholds: longThresholds(), KillGrace: 300 * time.Millisecond},
			"sh", script, "{prompt}")
		task := submitOne(t, pool, TaskSpec{Prompt: "unused"})
		inst := waitInstance(t, pool, task.ID)
		require.Eventually(t, func() bool { return len(processesWithArg(t, marker)) == 1 },
			5*time.Second, 20*time.Millisecond, "the setsid sleep started")
		time.Sleep(500 * time.Millisecond)

		_, err := pool.Kill(inst.ID, "test kill", false)
		require.NoError(t, err)
		waitTask(t, pool, task.ID, 10*time.Second)
		assert.Empty(t, processesWithArg(t, marker), "the sleep that ignores SIGTERM was ended")
		insts := instancesOf(t, pool, task.ID)
		require.Len(t, insts, 1)
		assert.Len(t, insts[0].LeftoversEnded, 2, "the setsid shell and its sleep, each listed once")
	})

	t.Run("setsid child of a fast exit", func(t *testing.T) {
		marker := uniqueSleep(t)
		// The long tick keeps the pool from seeing the child while the agent
		// runs, and the agent waits until the child has left its session.
		// The child is then reparented away from the agent, so only the
		// instance's name in its environment ties it to the agent.
		pool := startPool(t, Options{DrainWindow: 500 * time.Millisecond, TickInterval: time.Minute},
			"bash", "-c", `'setsid sleep `+marker+` & sleep 0.3; exit 0'`, "{prompt}")
		task := submitOne(t, pool, TaskSpec{Prompt: "unused"})
		waitTask(t, pool, task.ID, 10*time.Second)
		assert.Empty(t, processesWithArg(t, marker), "the setsid sleep was ended")
		insts := instancesOf(t, pool, task.ID)
		require.Len(t, insts, 1)
		assert.Len(t, insts[0].LeftoversEnded, 1, "the setsid sleep is listed as ended")
	})
}

func TestPROC05PdeathsigSurvivesThreadExit(t *testing.T) {
	const agents = 8
	pool := startPool(t, Options{MaxInstances: agents, Thresholds: longThresholds()})
	specs := make([]TaskSpec, agents)
	for i := range specs {
		specs[i] = TaskSpec{Prompt: "silent"}
	}

	// Goroutines that return while locked to their thread make the runtime
	// end those threads, which kills any child that has a parent-death
	// signal and was started from one of them.
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				done := make(chan struct{})
				go func() {
					defer close(done)
					runtime.LockOSThread()
				}()
				<-done
			}
		}()
	}
	tasks, err := pool.Submit(specs)
	require.NoError(t, err)
	for _, task := range tasks {
		waitInstance(t, pool, task.ID)
	}
	time.Sleep(time.Second)
	close(stop)
	wg.Wait()

	for _, task := range tasks {
		insts := instancesOf(t, pool, task.ID)
		require.Len(t, insts, 1)
		assert.Nil(t, insts[0].EndedAt, "instance %s is still running", insts[0].ID)
		assert.NotEmpty(t, sessionMembers(t, insts[0].PID), "agent %d is alive", insts[0].PID)
	}
}

func TestORC01ParallelWorktrees(t *testing.T) {
	repo := newGitRepo(t)
	pool := startPool(t, Options{MaxInstances: 5, Thresholds: longThresholds()})
	specs := make([]TaskSpec, 5)
	for i := range specs {
		specs[i] = TaskSpec{Prompt: "exit:0", Name: "agent-" + strconv.Itoa(i+1), Workdir: repo}
	}

	infos, err := pool.Submit(specs)
	require.NoError(t, err)
	require.Len(t, infos, 5)
	for _, info := range infos {
		assert.Equal(t, "succeeded", waitTask(t, pool, info.ID, 20*time.Second).State)
		assert.DirExists(t, info.Workspace)
		assert.FileExists(t, filepath.Join(info.Workspace, "app", "main.go"))
	}
	out, err := exec.Command("git", "-C", repo, "branch", "--format=%(refname:short)").Output()
	require.NoError(t, err)
	branches := strings.Fields(string(out))
	assert.ElementsMatch(t, []string{"main", "axiom/agent-1", "axiom/agent-2", "axiom/agent-3",
		"axiom/agent-4", "axiom/agent-5"}, branches, "no stray branch")
}

// TestCLI01StuckStartRetriedWithNullStdin runs a headless agent that reads
// its stdin to the end before it prints. With the terminal as stdin it
// never starts, is killed as stuck at startup, and the retry gets
// /dev/null and finishes.
func TestCLI01StuckStartRetriedWithNullStdin(t *testing.T) {
	tpl := agent.MustParse(`sh -c 'cat >/dev/null; echo stdin-closed' {prompt}`)
	require.Equal(t, agent.StdinTerminal, tpl.Stdin)
	pool := startPool(t, Options{Agent: tpl, RetryBackoff: queue.Backoff{Base: 100 * time.Millisecond},
		Thresholds: scoring.Thresholds{IdleTimeout: time.Second, UnproductiveFor: time.Hour}})
	events, stop := pool.Subscribe(100)
	defer stop()
	task := submitOne(t, pool, TaskSpec{Prompt: "unused"})

	final := waitTask(t, pool, task.ID, 20*time.Second)
	assert.Equal(t, "succeeded", final.State, final.LastError)
	insts := instancesOf(t, pool, task.ID)
	require.Len(t, insts, 2)
	assert.Contains(t, insts[0].KillReason, "stuck at startup")
	assert.Contains(t, strings.Join(insts[1].ScreenTail, "\n"), "stdin-closed")
	note := waitEvent(t, events, func(ev Event) bool { return strings.Contains(ev.Message, "/dev/null as stdin") })
	assert.Equal(t, task.ID, note.TaskID)
}

func TestCLI01HeadlessStdinIsNull(t *testing.T) {
	tpl := agent.MustParse(`sh -c 'cat >/dev/null; echo stdin-closed' {prompt}`)
	tpl.Stdin = agent.StdinNull
	pool := startPool(t, Options{Agent: tpl, Thresholds: longThresholds()})
	task := submitOne(t, pool, TaskSpec{Prompt: "unused"})

	final := waitTask(t, pool, task.ID, 10*time.Second)
	assert.Equal(t, "succeeded", final.State, "cat read to the end of its input")
	insts := instancesOf(t, pool, task.ID)
	require.Len(t, insts, 1)
	assert.Contains(t, strings.Join(insts[0].ScreenTail, "\n"), "stdin-closed")
	assert.True(t, agent.MustParse("claude -p").Stdin == agent.StdinNull, "claude -p gets /dev/null")
}
