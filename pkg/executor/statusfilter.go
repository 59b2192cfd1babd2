package executor

import (
	"fmt"
	"strings"
	"time"
)

// taskStates lists every task state, for filters and messages.
var taskStates = []TaskState{TaskQueued, TaskRunning, TaskSucceeded, TaskFailed, TaskCancelled, TaskBlocked}

// TaskStateNames returns the names of every task state, in life order.
func TaskStateNames() []string {
	names := make([]string, len(taskStates))
	for i, state := range taskStates {
		names[i] = state.String()
	}
	return names
}

// validate checks the fields of f that need no pool state.
func (f Filter) validate() error {
	if f.Offset < 0 {
		return fmt.Errorf("offset %d is negative: use 0 for the first task", f.Offset)
	}
	if f.Limit < 0 {
		return fmt.Errorf("limit %d is negative: use a positive number of tasks, or 0 for all", f.Limit)
	}
	if f.State == "" {
		return nil
	}
	for _, name := range TaskStateNames() {
		if f.State == name {
			return nil
		}
	}
	return fmt.Errorf("state %q is unknown: use one of %s", f.State, strings.Join(TaskStateNames(), ", "))
}

// resolveFilterLocked replaces a task name in f by the task's id and checks
// that the task and the instance exist. The caller holds p.mu.
func (p *Pool) resolveFilterLocked(f *Filter) error {
	if f.TaskID != "" {
		if _, ok := p.tasks[f.TaskID]; !ok {
			if id, byName := p.names[f.TaskID]; byName {
				f.TaskID = id
			} else {
				return fmt.Errorf("task %s not found: call status without a filter to list task ids", QuoteRef(f.TaskID))
			}
		}
	}
	if f.InstanceID != "" {
		if _, ok := p.instances[f.InstanceID]; !ok {
			return fmt.Errorf("%w: %s: call status without a filter to list instance ids",
				ErrInstanceNotFound, QuoteRef(f.InstanceID))
		}
	}
	return nil
}

// selectTasksLocked returns the tasks f selects, in submission order. The
// caller holds p.mu and has resolved f.
func (p *Pool) selectTasksLocked(f Filter) []*task {
	var selected []*task
	for _, t := range p.order {
		switch {
		case f.TaskID != "" && t.id != f.TaskID:
		case f.InstanceID != "" && p.instances[f.InstanceID].taskID != t.id:
		case f.State != "" && t.state.String() != f.State:
		default:
			selected = append(selected, t)
		}
	}
	return selected
}

// page returns the tasks after the first offset, at most limit of them
// unless limit is 0.
func page(tasks []*task, offset, limit int) []*task {
	if offset >= len(tasks) {
		return nil
	}
	tasks = tasks[offset:]
	if limit > 0 && limit < len(tasks) {
		tasks = tasks[:limit]
	}
	return tasks
}

// statusInfo returns the instance's snapshot for Status, without a screen
// tail for an ended instance when f.LiveTailsOnly is set.
func (i *Instance) statusInfo(now time.Time, f Filter) InstanceInfo {
	tail := f.TailLines
	if f.LiveTailsOnly && i.ended() {
		tail = 0
	}
	info := i.Info(now, tail)
	if info.ScreenTail == nil {
		info.ScreenTail = []string{}
	}
	return info
}

func (i *Instance) ended() bool {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.state.Ended()
}
