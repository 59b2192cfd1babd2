package profile

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// transition is a change of state during a replay.
type transition struct {
	at    time.Duration
	state State
}

// replayStates renders the recorded session chunk by chunk on virtual time,
// classifies the screen after each chunk and returns every change of state.
func replayStates(t *testing.T, p *Profile) []transition {
	t.Helper()
	s := startScreen(t)
	var changes []transition
	last := State("")
	for _, chunk := range loadRecording(t) {
		feed(t, s, chunk.data)
		obs := p.Classify(s.Lines(), s.Title())
		if obs.State != last {
			changes = append(changes, transition{at: chunk.at, state: obs.State})
			last = obs.State
		}
	}
	return changes
}

// withoutUnknown drops the unknown spans and merges the states on either
// side of one when they are equal.
func withoutUnknown(changes []transition) []transition {
	var collapsed []transition
	for _, c := range changes {
		if c.state == StateUnknown {
			continue
		}
		if len(collapsed) > 0 && collapsed[len(collapsed)-1].state == c.state {
			continue
		}
		collapsed = append(collapsed, c)
	}
	return collapsed
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// timelineTolerance is how far a detected change may lie from the time the
// recording's notes give for it.
const timelineTolerance = 150 * time.Millisecond

func TestReplaySessionStates(t *testing.T) {
	// Times from the recording's notes: the first idle prompt, the title
	// flip after Enter (the prompt was typed at 3.77 s), the permission
	// question, the approval, the turn summary and the exit.
	want := []transition{
		{seconds(0.76), StateReady},
		{seconds(4.13), StateWorking},
		{seconds(24.21), StateWaitingInput},
		{seconds(32.0), StateWorking},
		{seconds(52.13), StateTurnFinished},
		{seconds(68.9), StateExited},
	}

	got := withoutUnknown(replayStates(t, claudeProfile(t)))

	require.Len(t, got, len(want), "transitions: %v", got)
	for i := range want {
		assert.Equal(t, want[i].state, got[i].state, "transition %d", i)
		assert.InDelta(t, want[i].at, got[i].at, float64(timelineTolerance), "time of %s", want[i].state)
	}
}

func TestReplayUnknownOnlyAtStartAndExitMenu(t *testing.T) {
	// The screen is blank until the first output at 0.61 s. Typing /exit at
	// 68.4 s opens the command menu, which hides the input box and the turn
	// summary until Claude Code exits at 68.9 s.
	want := []time.Duration{seconds(0.61), seconds(68.4)}

	var got []time.Duration
	for _, c := range replayStates(t, claudeProfile(t)) {
		if c.state == StateUnknown {
			got = append(got, c.at)
		}
	}

	require.Len(t, got, len(want), "unknown spans start at %v", got)
	for i := range want {
		assert.InDelta(t, want[i], got[i], float64(timelineTolerance), "unknown span %d", i)
	}
}

func TestReplayTypedPromptIsNotWorking(t *testing.T) {
	p := claudeProfile(t)
	s := startScreen(t)
	for _, chunk := range loadRecording(t) {
		if chunk.at >= seconds(4.07) {
			break
		}
		feed(t, s, chunk.data)
	}

	obs := p.Classify(s.Lines(), s.Title())

	assert.Contains(t, s.Lines(), "❯\u00a0make hello.txt [[delay=20]]")
	assert.Equal(t, StateReady, obs.State)
}
