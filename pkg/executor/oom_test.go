package executor

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// oomScoreAdj returns the oom_score_adj of pid.
func oomScoreAdj(t *testing.T, pid int) int {
	t.Helper()
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/oom_score_adj")
	require.NoError(t, err)
	value, err := strconv.Atoi(strings.TrimSpace(string(data)))
	require.NoError(t, err)
	return value
}

// TestORC03AgentsAreOOMKilledFirst checks that an agent and a child it
// starts later have a higher OOM score than the server, so the kernel
// ends them before the server when memory runs out.
func TestORC03AgentsAreOOMKilledFirst(t *testing.T) {
	marker := uniqueSleep(t)
	pool := startPool(t, Options{Thresholds: longThresholds()},
		"bash", "-c", `'sleep 0.3; sleep `+marker+`'`, "{prompt}")
	task := submitOne(t, pool, TaskSpec{Prompt: "unused"})
	inst := waitInstance(t, pool, task.ID)

	var child []int
	require.Eventually(t, func() bool {
		child = processesWithArg(t, marker)
		return len(child) == 1
	}, 5*time.Second, 20*time.Millisecond, "the agent's child started")

	server := oomScoreAdj(t, os.Getpid())
	assert.Equal(t, agentOOMScoreAdj, oomScoreAdj(t, inst.PID), "the agent")
	assert.Equal(t, agentOOMScoreAdj, oomScoreAdj(t, child[0]), "the agent's child")
	assert.Less(t, server, agentOOMScoreAdj, "the server keeps a lower score")
}
