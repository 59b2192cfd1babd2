package corpus

import (
	"fmt"
	"time"

	"github.com/axiom-mcp/axiom-mcp/pkg/scoring"
)

// check sets Met, Miss and, for an expected kill, the clock and deadline.
func (o *Outcome) check(trace Trace, th scoring.Thresholds, clocks clockRecorder) {
	if trace.Expect.Kill() {
		o.checkKill(trace, th, clocks)
		return
	}
	o.checkNoKill()
}

func (o *Outcome) checkKill(trace Trace, th scoring.Thresholds, clocks clockRecorder) {
	o.Within = trace.within()
	killed := o.Verdict == trace.Expect.Verdict()
	switch trace.Expect {
	case ExpectKillIdle:
		o.Clock, o.Threshold = ClockIdle, th.IdleTimeout
		o.ClockStarted, o.ClockStart = true, clocks.lastActivity
	case ExpectKillUnproductive:
		o.Clock, o.Threshold = ClockScore, th.UnproductiveFor
		if killed && clocks.low {
			o.ClockStarted, o.ClockStart = true, clocks.lowStart
		} else {
			o.ClockStarted, o.ClockStart = clocks.everLow, clocks.longestStart
		}
	case ExpectKillNoAnswer:
		o.Clock, o.Threshold = ClockWaiting, th.InputTimeout
		o.ClockStarted, o.ClockStart = clocks.waited, clocks.waitStart
	case ExpectKillUpstream:
		o.Clock, o.Threshold = ClockAuth, th.AuthStopAfter
		o.ClockStarted, o.ClockStart = clocks.everRejected, clocks.rejectedStart
	}
	if o.ClockStarted {
		o.Deadline = o.ClockStart + o.Threshold + o.Within
	}
	switch {
	case !killed:
		o.Miss = o.missedKill(clocks)
	case o.At > o.Deadline:
		o.Miss = fmt.Sprintf("%s at %s came %s after the deadline %s", o.Verdict, seconds(o.At),
			seconds(o.At-o.Deadline), seconds(o.Deadline))
	default:
		o.Met = true
	}
}

// missedKill explains an expected kill that did not happen.
func (o *Outcome) missedKill(clocks clockRecorder) string {
	if o.Verdict.Kill() || o.Verdict == scoring.Done {
		return fmt.Sprintf("got %s at %s instead of %s: %s", o.Verdict, seconds(o.At), o.Expect, o.Reason)
	}
	missed := fmt.Sprintf("not killed in %s", seconds(o.Duration))
	switch o.Clock {
	case ClockIdle:
		return fmt.Sprintf("%s; the last activity was at %s", missed, seconds(clocks.lastActivity))
	case ClockScore:
		if !clocks.everLow {
			return fmt.Sprintf("%s; the score never fell under the minimum", missed)
		}
		return fmt.Sprintf("%s; the longest stretch under the minimum score lasted %s from %s, and waits, "+
			"upstream pauses and busy CPU seconds stop the score clock", missed, seconds(clocks.longest),
			seconds(clocks.longestStart))
	case ClockAuth:
		if !clocks.everRejected {
			return fmt.Sprintf("%s; the model API never rejected the credentials", missed)
		}
		return fmt.Sprintf("%s; the last run of rejected credentials began at %s", missed, seconds(clocks.rejectedStart))
	default:
		if !clocks.waited {
			return fmt.Sprintf("%s; the agent never waited for input", missed)
		}
		return fmt.Sprintf("%s; the last wait began at %s", missed, seconds(clocks.waitStart))
	}
}

// checkNoKill checks keep, done and paused-upstream.
func (o *Outcome) checkNoKill() {
	want := o.Expect.Verdict()
	switch {
	case o.Expect == ExpectKeep && !o.Verdict.Kill() && o.Verdict != scoring.Done:
		o.Met = true
	case o.Verdict == want:
		o.Met = true
	case o.Verdict == scoring.Keep:
		o.Miss = fmt.Sprintf("the verdict never turned to %s in %s", o.Expect, seconds(o.Duration))
	default:
		o.Miss = fmt.Sprintf("got %s at %s: %s", o.Verdict, seconds(o.At), o.Reason)
	}
}

// Target describes the trace's target, such as "kill-idle by 43s (idle
// clock from 8s + 30s + 5s)" or "no kill in 300s".
func (o Outcome) Target() string {
	switch {
	case o.Expect.Kill() && o.ClockStarted:
		return fmt.Sprintf("%s by %s (%s clock from %s + %s + %s)", o.Expect, seconds(o.Deadline), o.Clock,
			seconds(o.ClockStart), seconds(o.Threshold), seconds(o.Within))
	case o.Expect.Kill():
		return fmt.Sprintf("%s within %s + %s of the %s clock, which never started", o.Expect,
			seconds(o.Threshold), seconds(o.Within), o.Clock)
	case o.Expect == ExpectDone:
		return "done, no kill before"
	case o.Expect == ExpectPausedUpstream:
		return fmt.Sprintf("paused, no kill in %s", seconds(o.Duration))
	default:
		return fmt.Sprintf("no kill in %s", seconds(o.Duration))
	}
}

// seconds formats d in seconds, such as 125s, which reads better in a
// table than 2m5s.
func seconds(d time.Duration) string {
	return fmt.Sprintf("%gs", d.Seconds())
}
