package scoring

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var start = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func at(d time.Duration) time.Time { return start.Add(d) }

func sec(n int) time.Time { return at(time.Duration(n) * time.Second) }

// script returns the sample of second n. simulate sets its At.
type script func(n int) Sample

// simulate feeds tr one sample a second from second 1 to second last and
// evaluates after each. The result of second n is at index n.
func simulate(tr *Tracker, last int, s script) []Result {
	results := make([]Result, last+1)
	for n := 1; n <= last; n++ {
		sample := s(n)
		sample.At = sec(n)
		tr.Observe(sample)
		results[n] = tr.Evaluate(sec(n))
	}
	return results
}

// firstKill returns the second of the first kill verdict, or 0 and Keep.
func firstKill(results []Result) (int, Verdict) {
	for n, res := range results {
		if res.Verdict.Kill() {
			return n, res.Verdict
		}
	}
	return 0, Keep
}

func part(t *testing.T, res Result, name string) Part {
	t.Helper()
	for _, p := range res.Parts {
		if p.Name == name {
			return p
		}
	}
	require.Failf(t, "part missing", "no part %q in %+v", name, res.Parts)
	return Part{}
}

func hasPart(res Result, name string) bool {
	for _, p := range res.Parts {
		if p.Name == name {
			return true
		}
	}
	return false
}

func quiet(int) Sample { return Sample{} }

func TestTrackerFreshInstanceKept(t *testing.T) {
	tr := NewTracker(Thresholds{}, start)
	res := tr.Evaluate(at(time.Second))
	assert.Equal(t, Keep, res.Verdict)
	assert.Equal(t, 15, res.Score, "only recency counts at the start")
	assert.Equal(t, SignalActivity, res.Signal)
	assert.Equal(t, Keep, tr.Evaluate(at(14*time.Second)).Verdict)
}

func TestTrackerSilentInstanceKilledAsIdle(t *testing.T) {
	tr := NewTracker(Thresholds{}, start)
	assert.Equal(t, Keep, tr.Evaluate(at(14*time.Second)).Verdict)
	warn := tr.Evaluate(at(15 * time.Second))
	assert.Equal(t, Warn, warn.Verdict)
	assert.Contains(t, warn.Reason, "killed as idle at the idle timeout 30s unless there is activity (warning at 15s)",
		"a warning says what happens next, not that it happened")
	assert.Equal(t, Warn, tr.Evaluate(at(29*time.Second)).Verdict)

	res := tr.Evaluate(at(30 * time.Second))
	assert.Equal(t, KillIdle, res.Verdict)
	assert.Equal(t, SignalIdle, res.Signal)
	assert.Contains(t, res.Reason, "stuck at startup: no activity for 30s (idle timeout 30s)")
}

func TestTrackerIdleAfterWorkNotStuck(t *testing.T) {
	tr := NewTracker(Thresholds{}, start)
	tr.Observe(Sample{At: at(time.Second), ChangedLines: 3})
	res := tr.Evaluate(at(31 * time.Second))
	assert.Equal(t, KillIdle, res.Verdict)
	assert.NotContains(t, res.Reason, "stuck at startup")
	assert.Contains(t, res.Reason, "no activity for 30s (idle timeout 30s)")
}

func TestTrackerIdleReasonNamesCPU(t *testing.T) {
	tr := NewTracker(Thresholds{}, start)
	results := simulate(tr, 30, func(int) Sample { return Sample{CPU: 10 * time.Millisecond} })
	assert.Equal(t, KillIdle, results[30].Verdict)
	assert.Contains(t, results[30].Reason, "the processes the agent started used 0.3 s of CPU, under 5% of a core")
}

func TestTrackerActivityResetsIdle(t *testing.T) {
	tr := NewTracker(Thresholds{}, start)
	tr.Observe(Sample{At: at(25 * time.Second), ChangedLines: 1})
	res := tr.Evaluate(at(40 * time.Second))
	assert.Equal(t, Warn, res.Verdict)
	assert.Equal(t, 15*time.Second, res.IdleFor)
	assert.Equal(t, at(25*time.Second), tr.LastActivity())
}

func TestTrackerProductiveScoresHigh(t *testing.T) {
	tr := NewTracker(Thresholds{}, start)
	for i := 1; i <= 10; i++ {
		tr.Observe(Sample{At: sec(i), ChangedLines: 2, FilesCreated: 1, Tools: map[ToolKind]int{ToolCode: 1}})
	}
	res := tr.Evaluate(sec(10))
	assert.Equal(t, Keep, res.Verdict)
	assert.Equal(t, 90, res.Score, "everything but CPU at its maximum")
	require.Len(t, res.Parts, 5)
	assert.Equal(t, Part{Name: "output", Points: 20, Max: 20}, withoutReason(res.Parts[0]))
	assert.Equal(t, Part{Name: "files", Points: 35, Max: 35}, withoutReason(res.Parts[1]))
	assert.Equal(t, Part{Name: "tools", Points: 20, Max: 20}, withoutReason(res.Parts[2]))
	assert.Equal(t, Part{Name: "cpu", Points: 0, Max: 10}, withoutReason(res.Parts[3]))
	assert.Equal(t, Part{Name: "recency", Points: 15, Max: 15}, withoutReason(res.Parts[4]))
}

func withoutReason(p Part) Part {
	p.Reason = ""
	return p
}

func TestTrackerMaximaAddUpTo100(t *testing.T) {
	tr := NewTracker(Thresholds{}, start)
	res := tr.Evaluate(at(time.Second))
	total := 0
	for _, p := range res.Parts {
		total += p.Max
	}
	assert.Equal(t, 100, total)
}

func TestTrackerWindowForgetsOldActivity(t *testing.T) {
	tr := NewTracker(Thresholds{}, start)
	tr.Observe(Sample{At: at(time.Second), FilesCreated: 2})
	assert.Equal(t, 35, part(t, tr.Evaluate(at(2*time.Second)), "files").Points)
	assert.Equal(t, 0, part(t, tr.Evaluate(at(62*time.Second)), "files").Points)
}

func TestTrackerToolUsesCountAsOther(t *testing.T) {
	tr := NewTracker(Thresholds{}, start)
	tr.Observe(Sample{At: at(20 * time.Second), ToolUses: 3})
	res := tr.Evaluate(at(20 * time.Second))
	assert.Equal(t, at(20*time.Second), tr.LastActivity())
	assert.Equal(t, 6, part(t, res, "tools").Points, "3 other calls at 2 points")
	assert.Contains(t, part(t, res, "tools").Reason, "3 other tool calls")
}

func TestTrackerToolUsesIgnoredWithTools(t *testing.T) {
	tr := NewTracker(Thresholds{}, start)
	tr.Observe(Sample{At: at(time.Second), ToolUses: 3, Tools: map[ToolKind]int{ToolRun: 1}})
	assert.Equal(t, 5, part(t, tr.Evaluate(at(time.Second)), "tools").Points)
}

func TestTrackerUnknownToolKindIsOther(t *testing.T) {
	tr := NewTracker(Thresholds{}, start)
	tr.Observe(Sample{At: at(time.Second), Tools: map[ToolKind]int{"deploy": 2}})
	assert.Equal(t, 4, part(t, tr.Evaluate(at(time.Second)), "tools").Points)
}

func TestTrackerToolsCapped(t *testing.T) {
	tr := NewTracker(Thresholds{}, start)
	tr.Observe(Sample{At: at(time.Second), Tools: map[ToolKind]int{ToolCode: 5}})
	assert.Equal(t, 20, part(t, tr.Evaluate(at(time.Second)), "tools").Points)
}

func TestTrackerNegativeCountsIgnored(t *testing.T) {
	tr := NewTracker(Thresholds{}, start)
	tr.Observe(Sample{At: at(10 * time.Second), ChangedLines: -4, FilesCreated: -1, ToolUses: -2})
	res := tr.Evaluate(at(10 * time.Second))
	assert.Equal(t, start, tr.LastActivity())
	assert.Equal(t, 10*time.Second, res.IdleFor)
}

func TestTrackerCPUPointsNeedActiveShare(t *testing.T) {
	tr := NewTracker(Thresholds{}, start)
	tr.Observe(Sample{At: at(time.Second), CPU: 40 * time.Millisecond})
	tr.Observe(Sample{At: at(2 * time.Second), CPU: 1200 * time.Millisecond, Interval: 2 * time.Second})
	res := tr.Evaluate(at(2 * time.Second))
	assert.Equal(t, 6, part(t, res, "cpu").Points, "1.2 s at 5 points; the 4% sample earns nothing")
	assert.Equal(t, at(2*time.Second), tr.LastActivity())
}

func TestTrackerFileEventsCountDeletes(t *testing.T) {
	tr := NewTracker(Thresholds{}, start)
	tr.Observe(Sample{At: at(time.Second), FilesDeleted: 1})
	res := tr.Evaluate(at(time.Second))
	assert.Equal(t, 20, part(t, res, "files").Points)
	assert.Equal(t, at(time.Second), tr.LastActivity())
}

func TestTrackerRecoveryResetsLowClock(t *testing.T) {
	tr := NewTracker(Thresholds{IdleTimeout: time.Hour}, start)
	assert.Equal(t, Keep, tr.Evaluate(at(time.Second)).Verdict, "recency 15 is under 20, but the low clock only starts")
	tr.Observe(Sample{At: at(100 * time.Second), FilesCreated: 1})
	res := tr.Evaluate(at(100 * time.Second))
	assert.Equal(t, Keep, res.Verdict)
	assert.Equal(t, time.Duration(0), res.LowFor)

	assert.Equal(t, Keep, tr.Evaluate(at(170*time.Second)).Verdict,
		"the low stretch restarts at 170 s, the first evaluation after the file left the window")
	assert.Equal(t, Keep, tr.Evaluate(at(229*time.Second)).Verdict)
	warn := tr.Evaluate(at(230 * time.Second))
	assert.Equal(t, Warn, warn.Verdict, "a low score warns after half the limit")
	assert.Contains(t, warn.Reason, "killed as unproductive at 2m0s unless the score rises")
	assert.Equal(t, Warn, tr.Evaluate(at(289*time.Second)).Verdict)
	assert.Equal(t, KillUnproductive, tr.Evaluate(at(290*time.Second)).Verdict)
}

func TestVerdictStrings(t *testing.T) {
	want := map[Verdict]string{
		Keep: "keep", Warn: "warn", KillIdle: "kill-idle", KillUnproductive: "kill-unproductive",
		NeedsInput: "needs-input", KillNoAnswer: "kill-no-answer", PausedUpstream: "paused-upstream",
		Done: "done", Verdict(99): "verdict(99)",
	}
	for verdict, name := range want {
		assert.Equal(t, name, verdict.String())
	}
}

func TestVerdictKill(t *testing.T) {
	kills := map[Verdict]bool{
		Keep: false, Warn: false, KillIdle: true, KillUnproductive: true,
		NeedsInput: false, KillNoAnswer: true, PausedUpstream: false, Done: false,
	}
	for verdict, kill := range kills {
		assert.Equal(t, kill, verdict.Kill(), verdict.String())
	}
}

func TestTrackerReasonsCountInWords(t *testing.T) {
	tr := NewTracker(Thresholds{}, start)
	tr.Observe(Sample{At: sec(1), ChangedLines: 1, FilesCreated: 1, Tools: map[ToolKind]int{ToolCode: 1}})
	res := tr.Evaluate(sec(2))
	assert.Equal(t, "1 source file created, modified or deleted in the last 1m0s at 20 points each",
		part(t, res, "files").Reason)
	assert.True(t, strings.HasPrefix(part(t, res, "output").Reason, "1 changed screen line in the last"),
		part(t, res, "output").Reason)

	tr.Observe(Sample{At: sec(3), ChangedLines: 1, FilesCreated: 1})
	res = tr.Evaluate(sec(4))
	assert.True(t, strings.HasPrefix(part(t, res, "files").Reason, "2 source files created"),
		part(t, res, "files").Reason)
}
