package executor

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStateChangePublishedWithoutWaitingForATick runs a pool whose scoring
// tick never comes: the state changes the driver reads off the screen must
// still reach subscribers, because they are published when the driver sees
// them.
func TestStateChangePublishedWithoutWaitingForATick(t *testing.T) {
	pool := startTUIPool(t, Options{Thresholds: longThresholds(), TickInterval: time.Hour}, "tui-ask tui:0.3")
	events, stop := pool.Subscribe(500)
	defer stop()
	submitOne(t, pool, TaskSpec{Prompt: "write notes.txt"})

	var states []string
	deadline := time.After(driverWait)
	for !inOrder(states, "ready", "working", "waiting_input") {
		select {
		case ev := <-events:
			if ev.Kind == EventInstanceState {
				states = append(states, ev.State)
			}
		case <-deadline:
			t.Fatalf("after %v the state events were %v", driverWait, states)
		}
	}
	assert.Equal(t, "ready", states[0], "the first state event follows instance_started")
	for i := 1; i < len(states); i++ {
		require.NotEqual(t, states[i-1], states[i], "two events in a row report the same state: %v", states)
	}
}
