package executor

import (
	"fmt"
	"sync"

	"github.com/axiom-mcp/axiom-mcp/pkg/scoring"
)

// observation is the state, score and verdict that the last events of one
// instance reported.
type observation struct {
	state   InstanceState
	score   int
	verdict scoring.Verdict
	scored  bool // false until the first score update
}

// observations keeps, per live instance, what its last state change and
// score update reported, so a tick publishes only what changed. Entries
// are removed when the instance's exit or kill is published.
type observations struct {
	mu   sync.Mutex
	last map[string]observation
}

func newObservations() *observations {
	return &observations{last: make(map[string]observation)}
}

func (o *observations) forget(instanceID string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	delete(o.last, instanceID)
}

// update records the state and result seen for an instance and reports
// which of them changed since the previous call. The first call for an
// instance reports no state change, because instance_started already
// announced it, unless the state is no longer starting.
func (o *observations) update(id string, state InstanceState, res scoring.Result) (prev observation, stateChanged, scoreChanged bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	prev, seen := o.last[id]
	if !seen {
		prev.state = StateStarting
	}
	o.last[id] = observation{state: state, score: res.Score, verdict: res.Verdict, scored: true}
	stateChanged = state != prev.state
	scoreChanged = !prev.scored || res.Score != prev.score || res.Verdict != prev.verdict
	return prev, stateChanged, scoreChanged
}

// publishObservation publishes an info event when a tick finds inst in a
// new state and a debug score update when its score or verdict changed.
// A live instance that keeps its score and verdict publishes nothing. It
// returns whether the score or verdict changed.
func (p *Pool) publishObservation(inst *Instance, res scoring.Result) bool {
	state := inst.currentState()
	if state.Ended() {
		return false
	}
	prev, stateChanged, scoreChanged := p.observed.update(inst.id, state, res)
	if inst.currentState().Ended() {
		// The instance ended after the first check, and its end event may
		// already have removed the entry that update just added back.
		// The state is set before the end event is published, so this
		// second check cannot miss it.
		p.observed.forget(inst.id)
		return false
	}
	if stateChanged {
		p.journal.attemptState(inst.id, state)
		p.publish(Event{Kind: EventInstanceState, TaskID: inst.taskID, InstanceID: inst.id, State: state.String(),
			Message: fmt.Sprintf("state changed from %s to %s", prev.state, state)})
	}
	if scoreChanged {
		p.publish(Event{Kind: EventScore, Level: LevelDebug, TaskID: inst.taskID, InstanceID: inst.id,
			State: state.String(), Score: res.Score, Parts: res.Parts, Verdict: res.Verdict.String(),
			Reason: res.Reason, Message: fmt.Sprintf("score %d, verdict %s", res.Score, res.Verdict)})
	}
	return scoreChanged
}

// currentState returns the instance's state.
func (i *Instance) currentState() InstanceState {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.state
}
