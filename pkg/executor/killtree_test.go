package executor

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
)

// TestKillEndsSessionChildAtOnce kills an agent whose child leads its own
// session and holds the terminal. The drain window is an hour, so the
// instance ends, and its child with it, only if Kill signals that child
// with the agent instead of leaving it until the terminal closes.
func TestKillEndsSessionChildAtOnce(t *testing.T) {
	t.Parallel()
	pool := startPool(t, Options{DrainWindow: time.Hour, Thresholds: longThresholds()})
	task := submitOne(t, pool, TaskSpec{Prompt: "session-child silent"})
	inst := waitInstance(t, pool, task.ID)
	child := waitSessionChild(t, task.Workspace)

	killed := make(chan KillResult, 1)
	go func() {
		res, err := pool.Kill(inst.ID, "test kill", false)
		assert.NoError(t, err)
		killed <- res
	}()
	var res KillResult
	select {
	case res = <-killed:
	case <-time.After(30 * time.Second):
		t.Fatal("Kill did not return within 30 s")
	}

	assert.Equal(t, "killed", res.State)
	assert.False(t, running(child), "the child in its own session still runs")
	ended := instancesOf(t, pool, task.ID)[0].LeftoversEnded
	assert.Contains(t, ended, child.PID, "the child is listed as ended")
}

// waitSessionChild returns the child that the test agent's session-child
// directive started in dir, and kills it when the test ends if it runs.
func waitSessionChild(t *testing.T, dir string) proctree.Key {
	t.Helper()
	var pid int
	require.Eventually(t, func() bool {
		data, err := os.ReadFile(filepath.Join(dir, "session-child.pid"))
		if err != nil {
			return false
		}
		pid, err = strconv.Atoi(strings.TrimSpace(string(data)))
		return err == nil
	}, 10*time.Second, 20*time.Millisecond, "the agent did not start its child")
	proc, err := proctree.Read(pid)
	require.NoError(t, err)
	key := proc.Key()
	t.Cleanup(func() {
		if running(key) {
			_ = syscall.Kill(key.PID, syscall.SIGKILL)
		}
	})
	return key
}

// running reports whether the process that key names runs and is not a
// zombie.
func running(key proctree.Key) bool {
	proc, err := proctree.Read(key.PID)
	return err == nil && proc.Start == key.Start && proc.State != 'Z'
}
