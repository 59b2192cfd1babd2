package queue

import "fmt"

// State is a task's position in the queue's life cycle.
type State int

// Task states. Pending, Delayed and Ready tasks wait; Running tasks were
// handed out by Next; the rest are final.
const (
	// Pending: at least one dependency has not succeeded yet.
	Pending State = iota
	// Delayed: a failed attempt is followed by a wait until NotBefore.
	Delayed
	// Ready: waits for Next.
	Ready
	// Running: handed out by Next and not finished.
	Running
	// Succeeded: finished with Success.
	Succeeded
	// Failed: the last attempt failed and no attempt is left, or the
	// failure was fatal.
	Failed
	// Blocked: a dependency failed, was cancelled or is blocked.
	Blocked
	// Cancelled: cancelled, or stopped without a retry.
	Cancelled
)

var stateNames = [...]string{
	Pending:   "pending",
	Delayed:   "delayed",
	Ready:     "ready",
	Running:   "running",
	Succeeded: "succeeded",
	Failed:    "failed",
	Blocked:   "blocked",
	Cancelled: "cancelled",
}

// String returns the state's lower-case name.
func (s State) String() string {
	if s >= 0 && int(s) < len(stateNames) {
		return stateNames[s]
	}
	return fmt.Sprintf("state(%d)", int(s))
}

// Final reports whether the task will not run again.
func (s State) Final() bool { return s >= Succeeded }

// Outcome is how an attempt ended, for Finish.
type Outcome int

// Outcomes of an attempt.
const (
	// Success finishes the task and releases its dependents.
	Success Outcome = iota
	// Failure retries the task after a backoff while attempts remain, and
	// otherwise fails it and blocks its dependents.
	Failure
	// FatalFailure fails the task at once, because a retry cannot help,
	// and blocks its dependents.
	FatalFailure
	// Stopped cancels the task without a retry and blocks its dependents.
	Stopped
)

var outcomeNames = [...]string{Success: "success", Failure: "failure", FatalFailure: "fatal failure", Stopped: "stopped"}

// String returns the outcome's name.
func (o Outcome) String() string {
	if o >= 0 && int(o) < len(outcomeNames) {
		return outcomeNames[o]
	}
	return fmt.Sprintf("outcome(%d)", int(o))
}
