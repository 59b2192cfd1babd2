package corpus

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/axiom-mcp/axiom-mcp/pkg/scoring"
)

// stalled prints a line a second for 8 s, then nothing.
func stalled(expect Expect, label Label) Trace {
	return Trace{
		Name: "stalled", Label: label, Expect: expect, Duration: 200 * time.Second,
		Segments: []Segment{{To: 8 * time.Second, Every: time.Second, Screen: "working", Print: []string{"streaming part {n}"}}},
	}
}

func TestRunIdleKillMeetsDeadline(t *testing.T) {
	out := Run(stalled(ExpectKillIdle, LabelStalled), scoring.Thresholds{}, scoring.Weights{})

	assert.True(t, out.Met, out.Miss)
	assert.Equal(t, scoring.KillIdle, out.Verdict)
	assert.Equal(t, 38*time.Second, out.At)
	assert.Equal(t, ClockIdle, out.Clock)
	assert.Equal(t, 8*time.Second, out.ClockStart)
	assert.Equal(t, 43*time.Second, out.Deadline)
	assert.Equal(t, "kill-idle by 43s (idle clock from 8s + 30s + 5s)", out.Target())
}

func TestRunUsesGivenThresholds(t *testing.T) {
	th := scoring.Thresholds{IdleTimeout: time.Minute}

	out := Run(stalled(ExpectKillIdle, LabelStalled), th, scoring.Weights{})

	assert.True(t, out.Met, out.Miss)
	assert.Equal(t, 68*time.Second, out.At)
	assert.Equal(t, 73*time.Second, out.Deadline)
}

func TestRunWrongKillMisses(t *testing.T) {
	out := Run(stalled(ExpectKillUnproductive, LabelChatty), scoring.Thresholds{}, scoring.Weights{})

	assert.False(t, out.Met)
	assert.Equal(t, scoring.KillIdle, out.Verdict)
	assert.Contains(t, out.Miss, "got kill-idle at 38s instead of kill-unproductive")
}

func TestRunKeepExpectationMissedByKill(t *testing.T) {
	out := Run(stalled(ExpectKeep, LabelProductive), scoring.Thresholds{}, scoring.Weights{})

	assert.False(t, out.Met)
	assert.Contains(t, out.Miss, "got kill-idle at 38s")
}

func TestRunLateKillMisses(t *testing.T) {
	// An upstream error at 10 s stops the idle clock for 60 s, so the kill
	// comes 60 s after the deadline counted from the last activity.
	trace := stalled(ExpectKillIdle, LabelStalled)
	trace.Segments = append(trace.Segments, Segment{From: 9 * time.Second, To: 10 * time.Second, Every: time.Second,
		Transcript: []string{"api-error-429"}})

	out := Run(trace, scoring.Thresholds{}, scoring.Weights{})

	assert.False(t, out.Met)
	assert.Equal(t, scoring.KillIdle, out.Verdict)
	assert.Equal(t, 98*time.Second, out.At)
	assert.Contains(t, out.Miss, "came 55s after the deadline 43s")
}

func TestRunMissedKillExplainsScoreClock(t *testing.T) {
	trace := Trace{
		Name: "coder", Label: LabelChatty, Expect: ExpectKillUnproductive, Duration: 200 * time.Second,
		Segments: []Segment{{To: 200 * time.Second, Every: 5 * time.Second, Create: []string{"f{n}.go"},
			Transcript: []string{"write"}}},
	}

	out := Run(trace, scoring.Thresholds{}, scoring.Weights{})

	assert.False(t, out.Met)
	assert.Equal(t, scoring.Keep, out.Verdict)
	assert.Contains(t, out.Miss, "not killed in 200s; the longest stretch under the minimum score lasted 3s from 1s")
}

func TestRunNoAnswerClockNeverStarted(t *testing.T) {
	trace := stalled(ExpectKillNoAnswer, LabelWaiting)

	out := Run(trace, scoring.Thresholds{}, scoring.Weights{})

	assert.False(t, out.Met)
	assert.False(t, out.ClockStarted)
	assert.Equal(t, "kill-no-answer within 120s + 5s of the waiting clock, which never started", out.Target())
}

func TestRunDoneExpectation(t *testing.T) {
	trace := Trace{
		Name: "done", Label: LabelDone, Expect: ExpectDone, Duration: 60 * time.Second,
		Segments: []Segment{{From: 4 * time.Second, To: 5 * time.Second, Every: time.Second, Transcript: []string{"turn-end"}}},
	}

	out := Run(trace, scoring.Thresholds{}, scoring.Weights{})

	assert.True(t, out.Met, out.Miss)
	assert.Equal(t, scoring.Done, out.Verdict)
	assert.Equal(t, 5*time.Second, out.At)
}

func TestRunPausedExpectationWithoutError(t *testing.T) {
	trace := stalled(ExpectPausedUpstream, LabelUpstream)
	trace.Duration = 20 * time.Second

	out := Run(trace, scoring.Thresholds{}, scoring.Weights{})

	assert.False(t, out.Met)
	assert.Equal(t, "the verdict never turned to paused-upstream in 20s", out.Miss)
}

func TestRunInvalidTrace(t *testing.T) {
	trace := stalled(ExpectKillIdle, LabelStalled)
	trace.Duration = 0

	out := Run(trace, scoring.Thresholds{}, scoring.Weights{})

	assert.False(t, out.Met)
	require.NotEmpty(t, out.Miss)
	assert.Contains(t, out.Miss, "invalid trace: trace stalled: duration 0s is invalid")
}

func TestRunKillUpstreamClock(t *testing.T) {
	trace := Trace{
		Name: "auth", Label: LabelUpstream, Expect: ExpectKillUpstream, Duration: 120 * time.Second,
		Segments: []Segment{{From: 10 * time.Second, To: 120 * time.Second, Every: 10 * time.Second,
			Transcript: []string{"api-error-401"}}},
	}

	out := Run(trace, scoring.Thresholds{}, scoring.Weights{})

	assert.True(t, out.Met, out.Miss)
	assert.Equal(t, ClockAuth, out.Clock)
	assert.Equal(t, 20*time.Second, out.ClockStart)
	assert.Equal(t, 80*time.Second, out.At)
}

func TestRunKillUpstreamMissedWithoutRejection(t *testing.T) {
	trace := stalled(ExpectKillUpstream, LabelUpstream)

	out := Run(trace, scoring.Thresholds{}, scoring.Weights{})

	assert.False(t, out.Met)
	assert.Contains(t, out.Miss, "got kill-idle at 38s instead of kill-upstream")
}
