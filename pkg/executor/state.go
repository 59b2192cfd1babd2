package executor

import "fmt"

// InstanceState is the stage an instance has reached in its life.
type InstanceState int

// Instance states, in the order an instance passes through them.
const (
	// StateStarting: the process runs but has not written anything yet.
	StateStarting InstanceState = iota
	// StateWorking: the process has written output and is being scored.
	StateWorking
	// StateIdle: no activity for at least half the idle timeout.
	StateIdle
	// StateExited: the process ended by itself.
	StateExited
	// StateKilled: the server ended the process; the kill reason records why.
	StateKilled
)

// String returns the state as shown in status output.
func (s InstanceState) String() string {
	switch s {
	case StateStarting:
		return "starting"
	case StateWorking:
		return "working"
	case StateIdle:
		return "idle"
	case StateExited:
		return "exited"
	case StateKilled:
		return "killed"
	default:
		return fmt.Sprintf("state(%d)", int(s))
	}
}

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
