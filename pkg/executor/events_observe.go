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

// updateState records the state seen for an instance and reports the
// state its last event reported and whether state differs from it. An
// instance seen for the first time was last reported as starting, by
// instance_started.
func (o *observations) updateState(id string, state InstanceState) (prev InstanceState, changed bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	last, seen := o.last[id]
	if !seen {
		last.state = StateStarting
	}
	prev = last.state
	last.state = state
	o.last[id] = last
	return prev, state != prev
}

// updateScore records the score and verdict seen for an instance and
// reports whether either changed since the last update, or this is the
// first.
func (o *observations) updateScore(id string, res scoring.Result) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	last, seen := o.last[id]
	if !seen {
		last.state = StateStarting
	}
	changed := !last.scored || res.Score != last.score || res.Verdict != last.verdict
	last.score, last.verdict, last.scored = res.Score, res.Verdict, true
	o.last[id] = last
	return changed
}

// onInstanceState publishes the state the driver just moved inst to and
// the notes it made meanwhile, such as the question on the agent's screen.
func (p *Pool) onInstanceState(inst *Instance) {
	p.publishObservation(inst, nil)
	p.publishNotes(inst)
}

// publishNotes publishes the instance's notes as warnings.
func (p *Pool) publishNotes(inst *Instance) {
	for _, note := range inst.takeNotes() {
		p.publish(Event{Kind: EventWarning, Level: LevelWarning, TaskID: inst.taskID,
			InstanceID: inst.id, Message: note})
	}
}

// publishObservation publishes an info event when inst is in a new state
// and, given a tick's result, a debug score update when its score or
// verdict changed. A live instance that keeps its state, score and verdict
// publishes nothing. It returns whether the score or verdict changed.
func (p *Pool) publishObservation(inst *Instance, res *scoring.Result) bool {
	inst.publishMu.Lock()
	defer inst.publishMu.Unlock()
	state := inst.currentState()
	if state.Ended() {
		return false
	}
	prev, stateChanged := p.observed.updateState(inst.id, state)
	scoreChanged := res != nil && p.observed.updateScore(inst.id, *res)
	if inst.currentState().Ended() {
		// The instance ended after the first check, and its end event may
		// already have removed the entry that the updates just added back.
		// The state is set before the end event is published, so this
		// second check cannot miss it.
		p.observed.forget(inst.id)
		return false
	}
	if stateChanged {
		p.journal.attemptState(inst.id, state)
		p.publish(Event{Kind: EventInstanceState, TaskID: inst.taskID, InstanceID: inst.id, State: state.String(),
			Message: fmt.Sprintf("state changed from %s to %s", prev, state)})
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
