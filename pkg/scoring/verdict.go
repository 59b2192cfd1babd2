package scoring

import "fmt"

// Verdict is the action the pool should take on an instance.
type Verdict int

// Verdicts, from harmless to final.
const (
	// Keep means the instance is working.
	Keep Verdict = iota
	// Warn means the instance is close to a kill threshold, or would be
	// killed but a client typed into it within the intervention grace.
	Warn
	// KillIdle means the instance showed no activity for the idle timeout.
	KillIdle
	// KillUnproductive means the score stayed under the minimum too long.
	KillUnproductive
	// NeedsInput means the agent waits for an answer, so its silence is
	// not idleness.
	NeedsInput
	// KillNoAnswer means the agent waited for an answer longer than the
	// input timeout.
	KillNoAnswer
	// PausedUpstream means an upstream error (rate limit, overload, failed
	// authentication, usage limit, prompt too long) stops the idle and
	// score clocks until its pause ends.
	PausedUpstream
	// Done means the agent finished its task and is being closed.
	Done
	// KillUpstream means the model API rejected the agent's credentials
	// for Thresholds.AuthStopAfter without a break, so the instance cannot
	// make progress until someone fixes its login.
	KillUpstream
)

// String returns the verdict as used in status output and logs.
func (v Verdict) String() string {
	switch v {
	case Keep:
		return "keep"
	case Warn:
		return "warn"
	case KillIdle:
		return "kill-idle"
	case KillUnproductive:
		return "kill-unproductive"
	case NeedsInput:
		return "needs-input"
	case KillNoAnswer:
		return "kill-no-answer"
	case PausedUpstream:
		return "paused-upstream"
	case Done:
		return "done"
	case KillUpstream:
		return "kill-upstream"
	default:
		return fmt.Sprintf("verdict(%d)", int(v))
	}
}

// Kill reports whether the verdict ends the instance.
func (v Verdict) Kill() bool {
	return v == KillIdle || v == KillUnproductive || v == KillNoAnswer || v == KillUpstream
}
