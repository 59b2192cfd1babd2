package scoring

import (
	"fmt"
	"strings"
	"time"
)

// judge sets the verdict in this order: done, upstream pause (a kill once
// rejected credentials last AuthStopAfter), waiting, idle, low score,
// warnings, keep. A kill within the intervention grace turns into Warn.
func (t *Tracker) judge(now time.Time, res *Result) {
	switch {
	case t.state == StateTurnFinished:
		res.Verdict, res.Signal = Done, SignalDone
		res.Reason = fmt.Sprintf("the agent finished its turn (screen state %s) with score %d", t.state, res.Score)
	case t.paused(now):
		t.judgePaused(now, res)
	case t.state.waiting():
		t.judgeWaiting(res)
	default:
		t.judgeClocks(now, res)
	}
	t.applyGrace(now, res)
}

func (t *Tracker) paused(now time.Time) bool {
	return t.upstream != nil && now.Before(t.pauseUntil)
}

func (t *Tracker) judgePaused(now time.Time, res *Result) {
	upstream := *t.upstream
	res.Verdict, res.Signal, res.Upstream = PausedUpstream, SignalUpstream, &upstream
	if rejected := t.authFor(now); rejected >= t.th.AuthStopAfter {
		res.Verdict = KillUpstream
		res.Reason = fmt.Sprintf("the model API rejected the credentials for %s without a break: %s%s "+
			"(auth_stop_after %s); fix the login or API key of the agent",
			seconds(rejected), upstream.Kind, upstreamDetail(upstream), seconds(t.th.AuthStopAfter))
		return
	}

	source := fmt.Sprintf("the upstream pause %s", seconds(t.th.UpstreamPause))
	if upstream.ResetAt.Equal(t.pauseUntil) {
		source = "the reset time of the error"
	}
	res.Reason = fmt.Sprintf("upstream error %s%s pauses judgement for %s more, until %s (from %s); the idle and score clocks are stopped",
		upstream.Kind, upstreamDetail(upstream), seconds(t.pauseUntil.Sub(now)),
		t.pauseUntil.UTC().Format(time.RFC3339), source)
}

// authFor returns how long the current upstream pause has been caused by
// rejected credentials alone, or 0.
func (t *Tracker) authFor(now time.Time) time.Duration {
	if t.authSince.IsZero() {
		return 0
	}
	return max(0, now.Sub(t.authSince))
}

func upstreamDetail(u Upstream) string {
	var details []string
	if u.Status != 0 {
		details = append(details, fmt.Sprintf("HTTP %d", u.Status))
	}
	if u.Message != "" {
		details = append(details, fmt.Sprintf("%q", u.Message))
	}
	if len(details) == 0 {
		return ""
	}
	return " (" + strings.Join(details, ", ") + ")"
}

func (t *Tracker) judgeWaiting(res *Result) {
	res.Signal = SignalWaiting
	if res.WaitingFor >= t.th.InputTimeout {
		res.Verdict = KillNoAnswer
		res.Reason = fmt.Sprintf("waited %s for an answer in screen state %s (input timeout %s)",
			seconds(res.WaitingFor), t.state, seconds(t.th.InputTimeout))
		return
	}
	res.Verdict = NeedsInput
	res.Reason = fmt.Sprintf("waiting %s for an answer in screen state %s; killed at the input timeout %s, never as idle",
		seconds(res.WaitingFor), t.state, seconds(t.th.InputTimeout))
}

func (t *Tracker) judgeClocks(now time.Time, res *Result) {
	warnIdle := time.Duration(float64(t.th.IdleTimeout) * t.th.WarnAt)
	warnLow := time.Duration(float64(t.th.UnproductiveFor) * t.th.WarnAt)
	switch {
	case res.IdleFor >= t.th.IdleTimeout:
		res.Verdict, res.Signal = KillIdle, SignalIdle
		res.Reason = t.idleReason(res)
	case res.LowFor >= t.th.UnproductiveFor:
		res.Verdict, res.Signal = KillUnproductive, SignalScore
		res.Reason = t.lowReason(now, res)
	case res.IdleFor >= warnIdle:
		res.Verdict, res.Signal = Warn, SignalIdle
		res.Reason = fmt.Sprintf("%s for %s; killed as idle at the idle timeout %s unless there is activity "+
			"(warning at %s)", t.idleSummary(), seconds(res.IdleFor), seconds(t.th.IdleTimeout), seconds(warnIdle))
	case res.LowFor > 0 && res.LowFor >= warnLow:
		res.Verdict, res.Signal = Warn, SignalScore
		res.Reason = fmt.Sprintf("score %d under %d for %s; killed as unproductive at %s unless the score "+
			"rises (warning at %s)", res.Score, t.th.MinScore, seconds(res.LowFor), seconds(t.th.UnproductiveFor), seconds(warnLow))
	default:
		res.Verdict, res.Signal = Keep, SignalActivity
		res.Reason = fmt.Sprintf("score %d (minimum %d), last activity %s ago (idle timeout %s)",
			res.Score, t.th.MinScore, seconds(res.IdleFor), seconds(t.th.IdleTimeout))
	}
}

func (t *Tracker) idleReason(res *Result) string {
	reason := fmt.Sprintf("%s for %s (idle timeout %s)", t.idleSummary(), seconds(res.IdleFor), seconds(t.th.IdleTimeout))
	if t.idleOutput > 0 {
		reason += fmt.Sprintf("; the agent wrote %d bytes to its terminal without a new line", t.idleOutput)
	}
	return reason + fmt.Sprintf("; the model was not thinking and the processes the agent started used %.1f s of CPU, under %s of a core",
		t.idleCPU.Seconds(), percent(t.th.CPUActive))
}

// StuckAtStartup starts the idle reason of an instance that showed no
// activity at all since it started.
const StuckAtStartup = "stuck at startup"

// idleSummary names what an idle instance showed: nothing, or output that
// only redrew the lines already on screen.
func (t *Tracker) idleSummary() string {
	switch {
	case t.idleOutput > 0:
		return "screen redrew the same lines, no new output"
	case !t.everActive:
		// A CLI that waits on its input or a lock before it draws anything
		// looks like this, for example a headless run whose stdin is a pipe
		// that is never closed.
		return StuckAtStartup + ": no activity"
	}
	return "no activity"
}

func (t *Tracker) lowReason(now time.Time, res *Result) string {
	reason := fmt.Sprintf("score %d stayed under %d for %s (unproductive limit %s); parts: %s",
		res.Score, t.th.MinScore, seconds(res.LowFor), seconds(t.th.UnproductiveFor), partSummary(res.Parts))
	if !t.lastThinking.IsZero() && now.Sub(t.lastThinking) < t.th.IdleTimeout {
		reason += fmt.Sprintf("; the model was thinking %s ago, which keeps it from idling but earns no points",
			seconds(now.Sub(t.lastThinking)))
	}
	return reason
}

// partSummary lists the parts that earned or cost points, such as
// "output 5/20, recency 3/15, research-penalty -15".
func partSummary(parts []Part) string {
	var listed []string
	for _, p := range parts {
		switch {
		case p.Max == 0 && p.Points != 0:
			listed = append(listed, fmt.Sprintf("%s %d", p.Name, p.Points))
		case p.Points != 0:
			listed = append(listed, fmt.Sprintf("%s %d/%d", p.Name, p.Points, p.Max))
		}
	}
	if len(listed) == 0 {
		return "none earned points"
	}
	return strings.Join(listed, ", ")
}

// applyGrace turns a kill into Warn while the last input is younger than
// the intervention grace. A kill that comes after the grace held it back
// names the grace in Result.Grace.
func (t *Tracker) applyGrace(now time.Time, res *Result) {
	if !res.Verdict.Kill() {
		t.graceHeldSince = time.Time{}
		return
	}
	if t.lastInput.IsZero() {
		return
	}
	since := max(0, now.Sub(t.lastInput))
	if since >= t.th.InterventionGrace {
		if !t.graceHeldSince.IsZero() {
			res.Grace = fmt.Sprintf("the intervention grace %s after a client typed %s ago held this kill back for %s",
				seconds(t.th.InterventionGrace), seconds(since), seconds(now.Sub(t.graceHeldSince)))
		}
		return
	}
	if t.graceHeldSince.IsZero() {
		t.graceHeldSince = now
	}
	res.Reason = fmt.Sprintf("would be %s, but a client typed %s ago; grace %s: %s",
		killedAs(res.Verdict), seconds(since), seconds(t.th.InterventionGrace), res.Reason)
	res.Verdict, res.Signal = Warn, SignalIntervention
}

// killedAs describes a kill verdict after "would be".
func killedAs(v Verdict) string {
	switch v {
	case KillIdle:
		return "killed as idle"
	case KillUnproductive:
		return "killed as unproductive"
	case KillNoAnswer:
		return "killed for an unanswered wait"
	case KillUpstream:
		return "killed for rejected credentials"
	}
	return "killed (" + v.String() + ")"
}
