package scoring

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var start = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func at(d time.Duration) time.Time { return start.Add(d) }

func TestTrackerFreshInstanceKept(t *testing.T) {
	tr := NewTracker(Thresholds{}, start)
	res := tr.Evaluate(at(time.Second))
	assert.Equal(t, Keep, res.Verdict)
	assert.Equal(t, 19, res.Score, "only recency counts at the start")
	assert.Equal(t, Keep, tr.Evaluate(at(14*time.Second)).Verdict)
}

func TestTrackerSilentInstanceKilledAsIdle(t *testing.T) {
	tr := NewTracker(Thresholds{}, start)
	assert.Equal(t, Keep, tr.Evaluate(at(14*time.Second)).Verdict)
	assert.Equal(t, Warn, tr.Evaluate(at(15*time.Second)).Verdict)
	assert.Equal(t, Warn, tr.Evaluate(at(29*time.Second)).Verdict)

	res := tr.Evaluate(at(30 * time.Second))
	assert.Equal(t, KillIdle, res.Verdict)
	assert.Contains(t, res.Reason, "no activity for 30s")
}

func TestTrackerActivityResetsIdle(t *testing.T) {
	tr := NewTracker(Thresholds{}, start)
	tr.Observe(Sample{At: at(25 * time.Second), Input: true})
	res := tr.Evaluate(at(40 * time.Second))
	assert.Equal(t, Warn, res.Verdict)
	assert.Equal(t, 15*time.Second, res.IdleFor)
}

func TestTrackerProductiveScoresHigh(t *testing.T) {
	tr := NewTracker(Thresholds{}, start)
	for i := 1; i <= 10; i++ {
		tr.Observe(Sample{At: at(time.Duration(i) * time.Second), ChangedLines: 2, FilesCreated: 1})
	}
	res := tr.Evaluate(at(10 * time.Second))
	assert.Equal(t, Keep, res.Verdict)
	assert.Equal(t, 100, res.Score)
	require.Len(t, res.Parts, 3)
	assert.Equal(t, "output", res.Parts[0].Name)
	assert.Equal(t, 30, res.Parts[0].Points)
	assert.Equal(t, 50, res.Parts[1].Points)
}

func TestTrackerWindowForgetsOldActivity(t *testing.T) {
	tr := NewTracker(Thresholds{}, start)
	tr.Observe(Sample{At: at(time.Second), FilesCreated: 2})
	assert.Equal(t, 50, tr.Evaluate(at(2 * time.Second)).Parts[1].Points)
	assert.Equal(t, 0, tr.Evaluate(at(62 * time.Second)).Parts[1].Points)
}

func TestTrackerLowScoreKilledAsUnproductive(t *testing.T) {
	// One changed line every 30 s never idles out, and with a long idle
	// timeout recency stays at 20, so the score is 20 plus 3 per line in
	// the window: at most 29.
	tr := NewTracker(Thresholds{IdleTimeout: time.Hour, MinScore: 30}, start)
	var res Result
	for s := 30 * time.Second; s <= 4*time.Minute; s += 30 * time.Second {
		tr.Observe(Sample{At: at(s), ChangedLines: 1})
		res = tr.Evaluate(at(s))
		if res.Verdict.Kill() {
			break
		}
	}
	assert.Equal(t, KillUnproductive, res.Verdict)
	assert.Contains(t, res.Reason, "stayed under 30")
}

func TestTrackerRecoveryResetsUnproductiveClock(t *testing.T) {
	tr := NewTracker(Thresholds{IdleTimeout: time.Hour, MinScore: 30}, start)
	tr.Evaluate(at(time.Second))
	tr.Observe(Sample{At: at(100 * time.Second), FilesCreated: 1})
	assert.Equal(t, Keep, tr.Evaluate(at(100*time.Second)).Verdict)
	assert.Equal(t, Keep, tr.Evaluate(at(170*time.Second)).Verdict,
		"the low stretch restarted when the score recovered")
	assert.Equal(t, Warn, tr.Evaluate(at(230*time.Second)).Verdict, "a low score warns after half the limit")
	assert.Equal(t, Warn, tr.Evaluate(at(289*time.Second)).Verdict)
	assert.Equal(t, KillUnproductive, tr.Evaluate(at(290*time.Second)).Verdict)
}

func TestVerdictStrings(t *testing.T) {
	assert.Equal(t, "kill-idle", KillIdle.String())
	assert.Equal(t, "kill-unproductive", KillUnproductive.String())
	assert.True(t, KillIdle.Kill())
	assert.False(t, Warn.Kill())
}

func TestThresholdsValidate(t *testing.T) {
	require.Error(t, Thresholds{MinScore: 101}.Validate())
	require.Error(t, Thresholds{IdleTimeout: -time.Second}.Validate())
	require.NoError(t, DefaultThresholds().Validate())
}

func TestToolUseCountsAsActivityAndOutput(t *testing.T) {
	start := time.Unix(1000, 0)
	tr := NewTracker(Thresholds{}, start)
	at := start.Add(20 * time.Second)
	tr.Observe(Sample{At: at, ToolUses: 2})
	res := tr.Evaluate(at)
	assert.Equal(t, at, tr.LastActivity())
	assert.Equal(t, 2*pointsPerLine, res.Parts[0].Points)
}
