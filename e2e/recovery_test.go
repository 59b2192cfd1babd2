package e2e

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/axiom-mcp/axiom-mcp/pkg/proctree"
	"github.com/axiom-mcp/axiom-mcp/pkg/tools"
)

// TestRecoveryAfterKill kills the server with SIGKILL while three tasks
// run, each with an agent and a background child, then starts a server on
// the same state directory. The new server must end every process of the
// old run, queue the tasks again and finish them, and keep every event
// the old server stored.
func TestRecoveryAfterKill(t *testing.T) {
	stateDir := filepath.Join(t.TempDir(), "state")
	root := filepath.Join(t.TempDir(), "workspaces")
	args := []string{"--agent", agentBin, "--state-dir", stateDir, "--workspace-root", root,
		"--idle-timeout", "2m", "--unproductive-after", "5m", "--tick", "200ms"}
	first := startServer(t, nil, args...)

	// silent-once blocks on the first attempt in a workspace and writes two
	// files on the next, so only the recovered attempts finish. Two agents
	// and their children ignore the hangup of their terminal and outlive
	// the server, and the third dies with it.
	var spawned spawnResult
	first.callOK(t, "spawn", map[string]any{"tasks": []map[string]any{
		{"prompt": "ignore-hup background-child silent-once"}, {"prompt": "ignore-hup background-child silent-once"},
		{"prompt": "background-child silent-once"},
	}}, &spawned)
	require.Len(t, spawned.Tasks, 3)
	old := oldRunProcesses(t, first, spawned)

	before := allEvents(t, first)
	require.NotEmpty(t, before)
	require.NoError(t, first.cmd.Process.Signal(syscall.SIGKILL))
	exitErr := <-first.exit
	first.exit <- exitErr
	survivors := 0
	for _, proc := range old {
		if procAlive(proc) {
			survivors++
		}
	}
	t.Logf("%d of %d processes of the killed server still run", survivors, len(old))
	require.GreaterOrEqual(t, survivors, 2, "the children that ignore SIGHUP died with the server, "+
		"so the test cannot check that recovery ends them")

	second := startServer(t, nil, args...)
	for _, proc := range old {
		assert.False(t, procAlive(proc), "process %d (%s) of the killed server still runs", proc.PID, proc.Comm)
	}
	st := second.waitTasks(t, 60*time.Second)
	for _, task := range spawned.Tasks {
		got := findTask(t, st, task.TaskID)
		assert.Equal(t, "succeeded", got.State, "task %s", task.TaskID)
		assert.Equal(t, 2, got.Attempts, "task %s", task.TaskID)
		assert.Contains(t, got.Handoff, "the server stopped while attempt 1 ran", "task %s", task.TaskID)
	}

	after := allEvents(t, second)
	afterBySeq := make(map[int64]tools.EventData, len(after))
	for _, ev := range after {
		afterBySeq[ev.Seq] = ev
	}
	for _, ev := range before {
		kept, ok := afterBySeq[ev.Seq]
		if assert.True(t, ok, "event %d (%s) of the killed server is lost", ev.Seq, ev.Kind) {
			assert.Equal(t, ev.Kind, kept.Kind, "event %d", ev.Seq)
		}
	}
	recovered := 0
	for _, ev := range after {
		if ev.Seq > before[len(before)-1].Seq && ev.Kind == "recovered" {
			recovered++
		}
	}
	assert.Equal(t, 6, recovered, "one recovered event per attempt and per task")
}

// oldRunProcesses waits until each spawned task's agent has started its
// background child and returns the agents and the children.
func oldRunProcesses(t *testing.T, s *server, spawned spawnResult) []proctree.Proc {
	t.Helper()
	var procs []proctree.Proc
	for _, task := range spawned.Tasks {
		st := s.status(t, map[string]any{"task_id": task.TaskID})
		require.Len(t, st.Instances, 1)
		inst := st.Instances[0]
		agent, err := proctree.Read(inst.PID)
		require.NoError(t, err)
		endAtCleanup(t, agent)
		child := waitChild(t, inst.Workspace)
		procs = append(procs, agent, child)
	}
	return procs
}

// waitChild reads the pid that the background-child directive writes to
// child.pid in dir and returns that process.
func waitChild(t *testing.T, dir string) proctree.Proc {
	t.Helper()
	var child proctree.Proc
	require.Eventually(t, func() bool {
		data, err := os.ReadFile(filepath.Join(dir, "child.pid"))
		if err != nil {
			return false
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
		if err != nil {
			return false
		}
		child, err = proctree.Read(pid)
		return err == nil
	}, 10*time.Second, 50*time.Millisecond, "no child.pid in %s", dir)
	endAtCleanup(t, child)
	return child
}

// endAtCleanup kills proc when the test ends, unless it has ended, so a
// failed recovery leaves nothing running.
func endAtCleanup(t *testing.T, proc proctree.Proc) {
	t.Cleanup(func() {
		if procAlive(proc) {
			_ = syscall.Kill(proc.PID, syscall.SIGKILL)
		}
	})
}

// procAlive reports whether proc still runs with the same start time.
func procAlive(proc proctree.Proc) bool {
	current, err := proctree.Read(proc.PID)
	return err == nil && current.Start == proc.Start && current.State != 'Z'
}

// allEvents pages the server's whole event log through status.
func allEvents(t *testing.T, s *server) []tools.EventData {
	t.Helper()
	var events []tools.EventData
	cursor := int64(0)
	for {
		st := s.status(t, map[string]any{"tail_lines": 0, "events_after": cursor, "events_limit": 500})
		events = append(events, st.Events...)
		if len(st.Events) == 0 || st.NextCursor == nil {
			return events
		}
		cursor = *st.NextCursor
	}
}
