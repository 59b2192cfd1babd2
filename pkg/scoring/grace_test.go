package scoring

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestGraceWarningNamesUnproductiveKill(t *testing.T) {
	results := simulate(NewTracker(Thresholds{}, start), 200, func(n int) Sample {
		sample := thinker(n)
		sample.Input = n == 118
		return sample
	})

	assert.Contains(t, results[121].Reason, "would be killed as unproductive, but a client typed 3s ago; grace 30s: score ")
	assert.Equal(t, KillUnproductive, results[148].Verdict)
	assert.Contains(t, results[148].Grace, "held this kill back for 27s")
}

func TestGraceWarningNamesRejectedCredentials(t *testing.T) {
	results := simulate(NewTracker(Thresholds{}, start), 100, func(n int) Sample {
		sample := rejectedEvery(10, 10)(n)
		sample.Input = n == 60
		return sample
	})

	assert.Contains(t, results[70].Reason, "would be killed for rejected credentials, but a client typed 10s ago; grace 30s")
}

func TestKillWithoutInputHasNoGrace(t *testing.T) {
	results := simulate(NewTracker(Thresholds{}, start), 30, quiet)

	assert.Equal(t, KillIdle, results[30].Verdict)
	assert.Empty(t, results[30].Grace)
}

func TestGraceForgottenAfterActivity(t *testing.T) {
	// Input at 5 s holds back the idle kill due at 25 s, but a changed line
	// at 28 s ends that stretch, so the kill at 48 s owes nothing to the
	// grace, which ended at 35 s.
	th := Thresholds{IdleTimeout: 20 * time.Second}
	results := simulate(NewTracker(th, start), 60, func(n int) Sample {
		sample := Sample{Input: n == 5}
		if n == 28 {
			sample.ChangedLines = 1
		}
		return sample
	})

	assert.Equal(t, SignalIntervention, results[25].Signal)
	second, verdict := firstKill(results)
	assert.Equal(t, KillIdle, verdict)
	assert.Equal(t, 48, second)
	assert.Empty(t, results[48].Grace)
}
