package executor

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The pools of these tests have a scoring tick that never comes: what they
// expect must be published when the driver reads it off the screen.

// collectUntil gathers the instance_state events and warnings of events
// until done accepts what was gathered, and fails after driverWait.
func collectUntil(t *testing.T, events <-chan Event, done func(states, warnings []string) bool) (states, warnings []string) {
	t.Helper()
	deadline := time.After(driverWait)
	for !done(states, warnings) {
		select {
		case ev := <-events:
			switch ev.Kind {
			case EventInstanceState:
				states = append(states, ev.State)
			case EventWarning:
				warnings = append(warnings, ev.Message)
			}
		case <-deadline:
			t.Fatalf("after %v the state events were %v and the warnings %q", driverWait, states, warnings)
		}
	}
	return states, warnings
}

func TestStateChangePublishedWithoutWaitingForATick(t *testing.T) {
	pool := startTUIPool(t, Options{Thresholds: longThresholds(), TickInterval: time.Hour}, "tui-ask tui:0.3")
	events, stop := pool.Subscribe(500)
	defer stop()
	submitOne(t, pool, TaskSpec{Prompt: "write notes.txt"})

	questionWarned := func(warnings []string) bool {
		for _, w := range warnings {
			if strings.HasPrefix(w, "waiting for input: Do you want to create notes.txt?") {
				return true
			}
		}
		return false
	}
	states, _ := collectUntil(t, events, func(states, warnings []string) bool {
		return inOrder(states, "ready", "working", "waiting_input") && questionWarned(warnings)
	})
	assert.Equal(t, "ready", states[0], "the first state event follows instance_started")
	for i := 1; i < len(states); i++ {
		require.NotEqual(t, states[i-1], states[i], "two events in a row report the same state: %v", states)
	}
}

func TestFinishedTurnPublishedBeforeTheExit(t *testing.T) {
	pool := startTUIPool(t, Options{Thresholds: longThresholds(), TickInterval: time.Hour}, "tui:0.3")
	events, stop := pool.Subscribe(500)
	defer stop()
	task := submitOne(t, pool, TaskSpec{Prompt: "go"})

	var states []string
	deadline := time.After(driverWait)
	for {
		select {
		case ev := <-events:
			if ev.Kind == EventInstanceState {
				states = append(states, ev.State)
			}
			if ev.Kind == EventInstanceExited && ev.TaskID == task.ID {
				assert.True(t, inOrder(states, "ready", "working", "turn_finished"),
					"state events before the exit: %v", states)
				return
			}
		case <-deadline:
			t.Fatalf("after %v the instance had not exited; state events %v", driverWait, states)
		}
	}
}
