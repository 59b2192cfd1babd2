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
)

// spawnStubborn starts n agents that ignore SIGTERM and SIGHUP and returns
// their pids.
func spawnStubborn(t *testing.T, s *server, n int) []int {
	t.Helper()
	tasks := make([]map[string]any, n)
	for k := range tasks {
		tasks[k] = map[string]any{"prompt": "ignore-hup ignore-term"}
	}
	var spawned spawnResult
	s.callOK(t, "spawn", map[string]any{"tasks": tasks}, &spawned)
	pids := make([]int, 0, n)
	for _, task := range spawned.Tasks {
		require.NotEmpty(t, task.InstanceID, "every task starts at once")
		st := s.status(t, map[string]any{"instance_id": task.InstanceID})
		pids = append(pids, st.Instances[0].PID)
	}
	return pids
}

// assertAgentsGone checks that no agent of pids, nor any process of their
// sessions, still runs.
func assertAgentsGone(t *testing.T, pids []int) {
	t.Helper()
	for _, pid := range pids {
		assert.True(t, processGone(pid), "agent %d still runs", pid)
		assert.Empty(t, liveMembers(t, pid), "processes of agent %d still run", pid)
	}
}

func TestShutdownStdinEOFTenStubbornAgents(t *testing.T) {
	s := startServer(t, nil, "--agent", agentBin, "--idle-timeout", "10m", "--kill-grace", "30s")
	pids := spawnStubborn(t, s, 10)
	time.Sleep(500 * time.Millisecond) // the agents install their signal handlers

	exitErr, took := s.stop(t)
	assert.NoError(t, exitErr, "exit code 0")
	assert.Less(t, took, 10*time.Second, "exit within 10 s although the kill grace is 30 s")
	assertAgentsGone(t, pids)
}

func TestShutdownSIGTERMTenStubbornAgents(t *testing.T) {
	s := startServer(t, nil, "--agent", agentBin, "--idle-timeout", "10m", "--kill-grace", "30s")
	pids := spawnStubborn(t, s, 10)
	time.Sleep(500 * time.Millisecond)

	start := time.Now()
	require.NoError(t, s.cmd.Process.Signal(syscall.SIGTERM))
	select {
	case err := <-s.exit:
		s.exit <- err
		assert.NoError(t, err, "exit code 0 after SIGTERM")
	case <-time.After(20 * time.Second):
		t.Fatal("server did not exit within 20 s of SIGTERM")
	}
	assert.Less(t, time.Since(start), 10*time.Second, "exit within 10 s although the kill grace is 30 s")
	assertAgentsGone(t, pids)
}

func TestServerKill9EndsAgents(t *testing.T) {
	s := startServer(t, nil, "--agent", agentBin, "--idle-timeout", "10m")
	var spawned spawnResult
	s.callOK(t, "spawn", map[string]any{"tasks": []map[string]any{
		{"prompt": "ignore-hup sleep:60"}, {"prompt": "ignore-hup sleep:60"}, {"prompt": "ignore-hup sleep:60"},
	}}, &spawned)
	var pids []int
	for _, task := range spawned.Tasks {
		st := s.status(t, map[string]any{"instance_id": task.InstanceID})
		info := st.Instances[0]
		pids = append(pids, info.PID)
		assert.NotZero(t, info.PIDStart, "start time of agent %d recorded", info.PID)
		record, err := os.ReadFile(filepath.Join(filepath.Dir(info.TranscriptFile), "process.json"))
		require.NoError(t, err)
		assert.Contains(t, string(record), `"pid": `+strconv.Itoa(info.PID))
	}
	time.Sleep(500 * time.Millisecond) // the agents ignore SIGHUP by now
	t.Cleanup(func() {
		for _, pid := range pids {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	})

	require.NoError(t, s.cmd.Process.Signal(syscall.SIGKILL))
	<-s.exit
	s.exit <- nil
	for _, pid := range pids {
		assert.Eventually(t, func() bool { return agentEnded(pid) }, 3*time.Second, 50*time.Millisecond,
			"agent %d outlived the killed server", pid)
	}
}

// agentEnded reports whether pid is gone or a zombie waiting for init.
func agentEnded(pid int) bool {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	fields := strings.Fields(string(data[strings.LastIndexByte(string(data), ')')+1:]))
	return len(fields) == 0 || fields[0] == "Z"
}
