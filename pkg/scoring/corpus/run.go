package corpus

import (
	"time"

	"github.com/axiom-mcp/axiom-mcp/pkg/scoring"
)

// runStart is the start of every replay. Only offsets from it reach an
// Outcome, so its value does not matter.
var runStart = time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC)

// Clocks that an expected kill is measured against, in Outcome.Clock.
const (
	// ClockIdle runs from the last activity for IdleTimeout.
	ClockIdle = "idle"
	// ClockScore runs from the time the score fell under MinScore for
	// UnproductiveFor.
	ClockScore = "score"
	// ClockWaiting runs from the start of a wait for InputTimeout.
	ClockWaiting = "waiting"
	// ClockAuth runs from the first of an unbroken run of rejected
	// credentials for AuthStopAfter.
	ClockAuth = "auth"
)

// Outcome is the result of replaying one trace. Times are offsets from the
// start of the trace.
type Outcome struct {
	Name   string
	Label  Label
	Expect Expect
	// Verdict is the first kill or done verdict, which ends the replay.
	// Without one it is PausedUpstream when the tracker paused at least
	// once, else Keep.
	Verdict scoring.Verdict
	// At is the tick of the first Verdict, or the trace's duration for Keep.
	At time.Duration
	// Reason and Score are the tracker's at At.
	Reason string
	Score  int
	// Clock names the clock of an expected kill, one of the Clock
	// constants, or is empty when the trace expects no kill.
	Clock string
	// ClockStarted is false when the clock of the expected kill never
	// started, such as a score that never fell under MinScore.
	ClockStarted bool
	// ClockStart is when the clock started: the last activity before the
	// kill, the start of the stretch under MinScore that ends in the kill
	// (the longest such stretch without a kill), or the start of the wait.
	ClockStart time.Duration
	// Threshold is the threshold of the clock, such as IdleTimeout.
	Threshold time.Duration
	// Within is the time the kill may come after its threshold.
	Within time.Duration
	// Deadline is ClockStart plus Threshold plus Within, the latest tick
	// for the expected kill.
	Deadline time.Duration
	// Duration is the length of the trace.
	Duration time.Duration
	// Met reports whether the trace reached its target.
	Met bool
	// Miss explains why Met is false, or is empty.
	Miss string
}

// Run replays trace through a tracker with th and w, one sample a second,
// and checks the verdict against the trace's target. Zero thresholds and
// weights take their defaults. An invalid trace returns an Outcome that is
// not met, with the error in Miss.
func Run(trace Trace, th scoring.Thresholds, w scoring.Weights) Outcome {
	th = th.WithDefaults()
	out := Outcome{
		Name:     trace.Name,
		Label:    trace.Label,
		Expect:   trace.Expect,
		Verdict:  scoring.Keep,
		At:       trace.Duration,
		Duration: trace.Duration,
	}
	samples, err := trace.Samples(runStart)
	if err != nil {
		out.Miss = "invalid trace: " + err.Error()
		return out
	}
	tracker := scoring.NewTrackerWithWeights(th, w, runStart)
	clocks := clockRecorder{minScore: th.MinScore}
	for _, sample := range samples {
		tracker.Observe(sample)
		res := tracker.Evaluate(sample.At)
		at := sample.At.Sub(runStart)
		clocks.record(at, res, tracker.LastActivity().Sub(runStart))
		if res.Verdict.Kill() || res.Verdict == scoring.Done {
			out.setVerdict(at, res)
			break
		}
		if res.Verdict == scoring.PausedUpstream && out.Verdict == scoring.Keep {
			out.setVerdict(at, res)
		}
	}
	out.check(trace, th, clocks)
	return out
}

func (o *Outcome) setVerdict(at time.Duration, res scoring.Result) {
	o.Verdict, o.At, o.Reason, o.Score = res.Verdict, at, res.Reason, res.Score
}

// clockRecorder follows the clocks of the kill verdicts during a replay.
type clockRecorder struct {
	minScore int
	// lastActivity is the tracker's last activity at the latest tick.
	lastActivity time.Duration
	// low is true while the score is under minScore, and lowStart is the
	// tick the current stretch began. everLow is true once the score fell
	// under minScore, and longestStart and longest describe the longest
	// stretch so far.
	low          bool
	lowStart     time.Duration
	everLow      bool
	longestStart time.Duration
	longest      time.Duration
	// waited is true once the agent waited for input, and waitStart is the
	// start of its latest wait.
	waited    bool
	waitStart time.Duration
	// rejected is true while the tracker pauses for rejected credentials,
	// and rejectedStart is the tick that run began.
	rejected      bool
	everRejected  bool
	rejectedStart time.Duration
}

func (c *clockRecorder) record(at time.Duration, res scoring.Result, lastActivity time.Duration) {
	c.lastActivity = lastActivity
	if res.Score < c.minScore {
		if !c.low {
			c.low, c.lowStart = true, at
		}
		if length := at - c.lowStart; !c.everLow || length > c.longest {
			c.everLow, c.longestStart, c.longest = true, c.lowStart, length
		}
	} else {
		c.low = false
	}
	if res.WaitingFor > 0 {
		c.waited, c.waitStart = true, at-res.WaitingFor
	}
	switch {
	case res.Upstream != nil && res.Upstream.Kind == scoring.UpstreamAuthFailed:
		if !c.rejected {
			c.rejected, c.everRejected, c.rejectedStart = true, true, at
		}
	case res.Verdict != scoring.KillUpstream:
		c.rejected = false
	}
}
