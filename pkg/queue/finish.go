package queue

import (
	"container/heap"
	"fmt"
	"time"
)

// Result is the effect of Finish on a task and its dependents.
type Result struct {
	// State is the task's state after the call: Delayed for a retry, or
	// a final state.
	State State
	// NotBefore is when a retried task becomes ready again.
	NotBefore time.Time
	// Attempts counts the attempts started so far.
	Attempts int
	// Blocked lists the dependents blocked because the task failed or was
	// stopped.
	Blocked []Change
}

// Finish records how the running attempt of task id ended. A task that was
// cancelled while it ran only releases its owned paths, whatever the
// outcome, because Cancel already settled it and its dependents.
func (q *Queue) Finish(id string, outcome Outcome, now time.Time) (Result, error) {
	e, err := q.runningEntry(id)
	if err != nil {
		return Result{}, err
	}
	if e.state == Cancelled {
		q.release(e)
		return Result{State: e.state, Attempts: e.attempts}, nil
	}
	q.release(e)
	switch outcome {
	case Success:
		q.succeed(e)
	case Failure:
		if e.attempts < e.maxAttempts {
			q.delay(e, now.Add(q.opts.Backoff.Delay(e.attempts)))
			return Result{State: e.state, NotBefore: e.notBefore, Attempts: e.attempts}, nil
		}
		e.state = Failed
	case FatalFailure:
		e.state = Failed
	case Stopped:
		e.state = Cancelled
	default:
		return Result{}, fmt.Errorf("finish task %q: outcome %d is unknown: use Success, Failure, "+
			"FatalFailure or Stopped", id, int(outcome))
	}
	res := Result{State: e.state, Attempts: e.attempts}
	if e.state != Succeeded {
		res.Blocked = q.spread(e.dependents, Blocked, blockReason(e))
	}
	return res, nil
}

// Defer returns a running task to the queue until notBefore without
// counting its attempt, for a failure that was not the task's fault.
func (q *Queue) Defer(id string, notBefore time.Time) error {
	e, err := q.runningEntry(id)
	if err != nil {
		return err
	}
	if e.state == Cancelled {
		q.release(e)
		return nil
	}
	q.release(e)
	e.attempts--
	q.delay(e, notBefore)
	return nil
}

// Cancel cancels the tasks named by refs, ids or names, and every task that
// depends on one of them, directly or not. It returns each task it
// cancelled: first the named ones with reason, then their dependents with a
// reason such as "depends on build". Named tasks that are already final are
// left as they are. A running task is marked cancelled at once, but keeps
// its owned paths until Finish reports that its instance ended. An unknown
// reference cancels nothing and returns an error.
func (q *Queue) Cancel(refs []string, reason string) ([]Change, error) {
	targets := make([]*entry, 0, len(refs))
	for _, ref := range refs {
		id, ok := q.Lookup(ref)
		if !ok {
			return nil, fmt.Errorf("task %q not found: use a task id or name from status", ref)
		}
		targets = append(targets, q.entries[id])
	}
	var changes, cancelled []Change
	for _, e := range targets {
		if e.state.Final() {
			continue
		}
		from := e.state
		q.withdraw(e)
		e.state = Cancelled
		changes = append(changes, Change{ID: e.id, From: from, To: Cancelled, Reason: reason})
	}
	for _, e := range targets {
		if e.state == Cancelled {
			cancelled = append(cancelled, q.spread(e.dependents, Cancelled, cancelReason(e))...)
		}
	}
	return append(changes, cancelled...), nil
}

func (q *Queue) runningEntry(id string) (*entry, error) {
	e := q.entries[id]
	switch {
	case e == nil:
		return nil, fmt.Errorf("task %q not found: pass the id of a task handed out by Next", id)
	case !e.active:
		return nil, fmt.Errorf("task %q is %s, not running: only a task handed out by Next can finish", id, e.state)
	}
	return e, nil
}

// succeed marks e succeeded and makes ready every dependent whose last
// unmet dependency it was.
func (q *Queue) succeed(e *entry) {
	e.state = Succeeded
	for _, d := range e.dependents {
		d.unmet--
		if d.unmet == 0 && d.state == Pending {
			q.makeReady(d)
		}
	}
	e.dependents = nil
}

// delay puts e back to wait until notBefore.
func (q *Queue) delay(e *entry, notBefore time.Time) {
	e.state = Delayed
	e.notBefore = notBefore
	heap.Push(&q.delayed, e)
}

// withdraw takes a waiting task out of the ready and delayed heaps.
func (q *Queue) withdraw(e *entry) {
	switch e.state {
	case Ready:
		q.unready(e)
	case Delayed:
		heap.Remove(&q.delayed, e.delayIndex)
	}
}

// spread moves every pending task in first, and every pending task that
// depends on one of them directly or not, to state to. reason words the
// reason of a task from the task through which it was reached, which is
// nil for the tasks in first. Each task moves once, so the cost is linear
// in the tasks and dependencies reached.
func (q *Queue) spread(first []*entry, to State, reason func(via *entry) string) []Change {
	type step struct{ e, via *entry }
	var changes []Change
	var todo []step
	for _, e := range first {
		todo = append(todo, step{e: e})
	}
	for len(todo) > 0 {
		s := todo[0]
		todo = todo[1:]
		if s.e.state != Pending {
			continue
		}
		s.e.state = to
		changes = append(changes, Change{ID: s.e.id, From: Pending, To: to, Reason: reason(s.via)})
		for _, d := range s.e.dependents {
			todo = append(todo, step{e: d, via: s.e})
		}
		s.e.dependents = nil
	}
	return changes
}

// blockReason words why a dependent of cause is blocked: "dependency build
// failed", with "(through test)" when it depends on build only through
// test.
func blockReason(cause *entry) func(via *entry) string {
	return func(via *entry) string {
		verb := "is " + cause.state.String()
		switch cause.state.String() {
		case "failed":
			verb = "failed"
		case "cancelled":
			verb = "was cancelled"
		}
		reason := fmt.Sprintf("dependency %s %s", cause.label(), verb)
		if via != nil {
			reason += fmt.Sprintf(" (through %s)", via.label())
		}
		return reason
	}
}

// cancelReason words why a dependent of cause is cancelled: "depends on
// build", with "through test" when it depends on build only through test.
func cancelReason(cause *entry) func(via *entry) string {
	return func(via *entry) string {
		if via == nil {
			return "depends on " + cause.label()
		}
		return fmt.Sprintf("depends on %s through %s", cause.label(), via.label())
	}
}
