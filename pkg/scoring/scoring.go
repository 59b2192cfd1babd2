// Package scoring judges the productivity of one agent instance. It is pure:
// callers pass in what they measured and the current time, and get back a
// score from 0 to 100, the parts it is made of, and a verdict. Nothing here
// reads a clock, a file or a process, and nothing starts a goroutine.
package scoring

import "time"

// Signals name what decided a verdict, in Result.Signal.
const (
	// SignalActivity decides Keep: the instance shows recent activity and a
	// score at or above the minimum.
	SignalActivity = "activity"
	// SignalIdle decides KillIdle and its warning.
	SignalIdle = "idle"
	// SignalScore decides KillUnproductive and its warning.
	SignalScore = "score"
	// SignalWaiting decides NeedsInput and KillNoAnswer.
	SignalWaiting = "waiting"
	// SignalUpstream decides PausedUpstream and KillUpstream.
	SignalUpstream = "upstream"
	// SignalIntervention turns a kill into Warn during the intervention grace.
	SignalIntervention = "intervention"
	// SignalDone decides Done.
	SignalDone = "done"
)

// Part is one component of a score. Penalties are parts with negative
// Points and a Max of 0.
type Part struct {
	Name   string `json:"name"`
	Points int    `json:"points"`
	Max    int    `json:"max"`
	Reason string `json:"reason"`
}

// Result is the judgement of one instance at one moment.
type Result struct {
	// Score is the sum of Parts, clamped to 0..100.
	Score   int     `json:"score"`
	Parts   []Part  `json:"parts"`
	Verdict Verdict `json:"-"`
	// Reason is a sentence with the signal, the threshold and the numbers
	// behind Verdict.
	Reason string `json:"reason"`
	// Signal is the signal that decided Verdict, one of the Signal constants.
	Signal string `json:"signal"`
	// IdleFor is the time since the last activity, without the time spent
	// waiting for input or paused by an upstream error.
	IdleFor time.Duration `json:"-"`
	// LowFor is how long the score has been under the minimum without a
	// break, without the time spent waiting or paused. It is 0 while the
	// score is at or above the minimum.
	LowFor time.Duration `json:"-"`
	// WaitingFor is how long the agent has been waiting for input or a
	// dialog answer, or 0 when it is not waiting.
	WaitingFor time.Duration `json:"-"`
	// Upstream is the error in effect while the verdict is PausedUpstream or
	// KillUpstream.
	Upstream *Upstream `json:"upstream,omitempty"`
	// Grace is a sentence on how long the intervention grace held back a
	// kill verdict, or empty when it held back none.
	Grace string `json:"grace,omitempty"`
}
