package executor

import "fmt"

// InstanceState is the stage an instance has reached in its life.
type InstanceState int

// Instance states. An instance passes from starting to exited or killed;
// the states between depend on what its profile can see on the screen.
const (
	// StateStarting: the process runs but shows nothing recognisable yet.
	StateStarting InstanceState = iota
	// StateReady: an interactive agent shows its input box, before the
	// prompt is sent.
	StateReady
	// StateWorking: the agent is busy, or has written output.
	StateWorking
	// StateWaitingInput: the agent asks a question, such as a permission
	// to write a file, and waits for an answer.
	StateWaitingInput
	// StateDialog: the agent shows a startup dialog that could not be
	// answered automatically.
	StateDialog
	// StateIdle: no activity for at least half the idle timeout.
	StateIdle
	// StateTurnFinished: an interactive agent finished its turn; the task
	// is done and the instance is being closed.
	StateTurnFinished
	// StateExited: the process ended by itself.
	StateExited
	// StateKilled: the server ended the process; the kill reason records why.
	StateKilled
)

var instanceStateNames = [...]string{
	StateStarting:     "starting",
	StateReady:        "ready",
	StateWorking:      "working",
	StateWaitingInput: "waiting_input",
	StateDialog:       "dialog",
	StateIdle:         "idle",
	StateTurnFinished: "turn_finished",
	StateExited:       "exited",
	StateKilled:       "killed",
}

// String returns the state as shown in status output.
func (s InstanceState) String() string {
	if s >= 0 && int(s) < len(instanceStateNames) {
		return instanceStateNames[s]
	}
	return fmt.Sprintf("state(%d)", int(s))
}

// Waiting reports whether the agent waits for a person, so silence is not
// idleness.
func (s InstanceState) Waiting() bool { return s == StateWaitingInput || s == StateDialog }

// Ended reports whether the instance is over.
func (s InstanceState) Ended() bool { return s == StateExited || s == StateKilled }

// TaskState is where a task is in its life.
type TaskState int

// Task states.
const (
	// TaskQueued: waiting for a free slot or for its dependencies.
	TaskQueued TaskState = iota
	// TaskRunning: an instance works on it.
	TaskRunning
	// TaskSucceeded: an instance finished it with exit code 0.
	TaskSucceeded
	// TaskFailed: every attempt failed or was killed.
	TaskFailed
	// TaskCancelled: killed without requeue, or the server shut down.
	TaskCancelled
	// TaskBlocked: a dependency failed, was cancelled or is blocked.
	TaskBlocked
)

// String returns the state as shown in status output.
func (s TaskState) String() string {
	switch s {
	case TaskQueued:
		return "queued"
	case TaskRunning:
		return "running"
	case TaskSucceeded:
		return "succeeded"
	case TaskFailed:
		return "failed"
	case TaskCancelled:
		return "cancelled"
	case TaskBlocked:
		return "blocked"
	default:
		return fmt.Sprintf("task_state(%d)", int(s))
	}
}

// Final reports whether the task will not run again.
func (s TaskState) Final() bool {
	return s == TaskSucceeded || s == TaskFailed || s == TaskCancelled || s == TaskBlocked
}
