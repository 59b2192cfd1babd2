package scoring

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRedrawnScreenKillReason(t *testing.T) {
	results := simulate(NewTracker(Thresholds{}, start), 30, func(int) Sample {
		return Sample{OutputBytes: 500}
	})
	res := results[30]

	require.Equal(t, KillIdle, res.Verdict)
	assert.Contains(t, res.Reason, "screen redrew the same lines, no new output for 30s (idle timeout 30s)")
	assert.Contains(t, res.Reason, "wrote 15000 bytes to its terminal without a new line")
	assert.NotContains(t, res.Reason, "no activity")
}

func TestRedrawnScreenWarning(t *testing.T) {
	results := simulate(NewTracker(Thresholds{}, start), 15, func(int) Sample {
		return Sample{OutputBytes: 500}
	})

	require.Equal(t, Warn, results[15].Verdict)
	assert.Contains(t, results[15].Reason, "screen redrew the same lines, no new output for 15s")
}

func TestRedrawBeforeActivityForgotten(t *testing.T) {
	results := simulate(NewTracker(Thresholds{}, start), 40, func(n int) Sample {
		switch {
		case n < 10:
			return Sample{OutputBytes: 500}
		case n == 10:
			return Sample{ChangedLines: 1, OutputBytes: 500}
		}
		return Sample{}
	})
	res := results[40]

	require.Equal(t, KillIdle, res.Verdict)
	assert.Contains(t, res.Reason, "no activity for 30s")
	assert.NotContains(t, res.Reason, "redrew")
}

func TestRedrawIsNotActivity(t *testing.T) {
	tr := NewTracker(Thresholds{}, start)
	tr.Observe(Sample{At: sec(5), OutputBytes: 4096})

	assert.Equal(t, start, tr.LastActivity())
	assert.Equal(t, 10*time.Second, tr.Evaluate(sec(10)).IdleFor)
}
