package executor

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/axiom-mcp/axiom-mcp/pkg/scoring"
)

func TestGraceNamedInWarningAndKill(t *testing.T) {
	t.Parallel()
	th := scoring.Thresholds{IdleTimeout: time.Second, InterventionGrace: 3 * time.Second}
	pool := startPool(t, Options{MaxAttempts: 1, Thresholds: th})
	events, stop := pool.Subscribe(500)
	defer stop()
	task := submitOne(t, pool, TaskSpec{Prompt: "silent"})
	inst := waitInstance(t, pool, task.ID)

	_, err := pool.Intervene(context.Background(), inst.ID, "x", nil)
	require.NoError(t, err)
	final := waitTask(t, pool, task.ID, 20*time.Second)
	require.Equal(t, "failed", final.State)

	var warning string
	for len(events) > 0 {
		ev := <-events
		if ev.Kind == EventWarning && strings.Contains(ev.Message, "would be killed") {
			warning = ev.Message
		}
	}
	assert.Regexp(t, `^warn: would be killed as idle, but a client typed \d+s ago; grace 3s: `, warning)
	killed := instancesOf(t, pool, task.ID)[0]
	assert.Regexp(t, `; the intervention grace 3s after a client typed \d+s ago held this kill back for \d+s$`, killed.KillReason)
}
