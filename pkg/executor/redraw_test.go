package executor

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/axiom-mcp/axiom-mcp/pkg/scoring"
)

func TestRepeatingAgentKillSaysRedrew(t *testing.T) {
	t.Parallel()
	pool := startPool(t, Options{MaxAttempts: 1, Thresholds: scoring.Thresholds{IdleTimeout: 2 * time.Second}})
	task := submitOne(t, pool, TaskSpec{Prompt: "repeat"})

	final := waitTask(t, pool, task.ID, 20*time.Second)
	assert.Equal(t, "failed", final.State)
	insts := instancesOf(t, pool, task.ID)
	require.Len(t, insts, 1)
	assert.Contains(t, insts[0].KillReason, "kill-idle: screen redrew the same lines, no new output for")
	assert.NotContains(t, insts[0].KillReason, "no activity")
}

func TestCLI04SpinnerCountsAsWork(t *testing.T) {
	t.Parallel()
	pool := startPool(t, Options{MaxAttempts: 1, Thresholds: scoring.Thresholds{IdleTimeout: 2 * time.Second}})
	task := submitOne(t, pool, TaskSpec{Prompt: "chatty:4"})

	final := waitTask(t, pool, task.ID, 20*time.Second)
	assert.Equal(t, "succeeded", final.State, final.LastError)
	assert.Equal(t, 1, final.Attempts)
}
