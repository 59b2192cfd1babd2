package executor

import (
	"fmt"
	"strings"

	"go.uber.org/zap"

	"github.com/axiom-mcp/axiom-mcp/pkg/queue"
)

// CancelledTask is a task that Cancel ended.
type CancelledTask struct {
	TaskID string `json:"task_id"`
	Name   string `json:"name,omitempty"`
	// PreviousState is the task's state before the cancel: queued or
	// running.
	PreviousState string `json:"previous_state"`
	// InstanceID is the instance killed because the task was running.
	InstanceID string `json:"instance_id,omitempty"`
	// Reason is the cause of the cancellation, such as "depends on build".
	Reason string `json:"reason"`
}

// SkippedTask is a task named in a cancel request that had already ended.
type SkippedTask struct {
	TaskID string `json:"task_id"`
	Name   string `json:"name,omitempty"`
	State  string `json:"state"`
}

// CancelResult reports a cancel request.
type CancelResult struct {
	// Cancelled lists every task cancelled: the named ones first, then
	// the tasks that depend on them.
	Cancelled []CancelledTask `json:"cancelled"`
	// Skipped lists the named tasks that had already ended.
	Skipped []SkippedTask `json:"skipped,omitempty"`
}

// Cancel cancels the tasks named by refs, ids or names, and every task that
// depends on them, directly or not. Queued tasks never start, and running
// ones are killed without requeue. Cancel returns when every killed
// instance has ended. An unknown or empty reference cancels nothing.
func (p *Pool) Cancel(refs []string, reason string) (CancelResult, error) {
	res, kills, err := p.cancel(refs, reason)
	if err != nil {
		return CancelResult{}, err
	}
	p.killAll(kills, reason)
	return res, nil
}

// cancel settles the cancelled tasks under the lock and returns the
// instances to kill.
func (p *Pool) cancel(refs []string, reason string) (CancelResult, []*Instance, error) {
	if len(refs) == 0 {
		return CancelResult{}, nil, fmt.Errorf("no tasks given: name at least one task id or name from status")
	}
	for _, ref := range refs {
		if strings.TrimSpace(ref) == "" {
			return CancelResult{}, nil, fmt.Errorf("a task reference is empty: give task ids or names from status")
		}
	}

	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return CancelResult{}, nil, ErrClosed
	}
	for _, ref := range refs {
		if _, err := p.lookupLocked(ref); err != nil {
			return CancelResult{}, nil, err
		}
	}
	changes, err := p.queue.Cancel(refs, reason)
	if err != nil {
		return CancelResult{}, nil, err
	}

	res := CancelResult{Cancelled: []CancelledTask{}, Skipped: p.skippedLocked(refs)}
	var kills []*Instance
	for _, ch := range changes {
		t := p.tasks[ch.ID]
		entry := CancelledTask{TaskID: t.id, Name: t.spec.Name, PreviousState: t.state.String(), Reason: ch.Reason}
		if ch.From == queue.Running {
			if inst := p.runningInstanceLocked(t); inst != nil {
				entry.InstanceID = inst.id
				p.noRequeue[inst.id] = true
				p.killing[inst.id] = true
				kills = append(kills, inst)
			}
		}
		p.finishTaskLocked(t, TaskCancelled, ch.Reason)
		res.Cancelled = append(res.Cancelled, entry)
	}

	p.log.Info("tasks cancelled", zap.Strings("requested", refs), zap.Int("cancelled", len(changes)),
		zap.Int("instances to kill", len(kills)))
	return res, kills, nil
}

// skippedLocked lists the named tasks that had already ended.
func (p *Pool) skippedLocked(refs []string) []SkippedTask {
	var skipped []SkippedTask
	seen := make(map[string]bool)
	for _, ref := range refs {
		id, _ := p.queue.Lookup(ref)
		t := p.tasks[id]
		if t == nil || seen[id] || !t.state.Final() {
			continue
		}
		seen[id] = true
		skipped = append(skipped, SkippedTask{TaskID: t.id, Name: t.spec.Name, State: t.state.String()})
	}
	return skipped
}

// runningInstanceLocked returns the live instance of t, or nil.
func (p *Pool) runningInstanceLocked(t *task) *Instance {
	if len(t.instances) == 0 {
		return nil
	}
	return p.running[t.instances[len(t.instances)-1]]
}

// killAll kills the instances at once and waits for all of them. It returns
// which ones needed SIGKILL.
func (p *Pool) killAll(kills []*Instance, reason string) map[string]bool {
	forced := make(map[string]bool, len(kills))
	if len(kills) == 0 {
		return forced
	}
	type result struct {
		id     string
		forced bool
	}
	done := make(chan result, len(kills))
	for _, inst := range kills {
		go func() {
			done <- result{id: inst.id, forced: inst.Kill(reason, p.opts.KillGrace)}
		}()
	}
	for range kills {
		r := <-done
		forced[r.id] = r.forced
	}
	return forced
}

// KillAndCancel ends a running instance like Kill without requeue, and
// cancels its task and every task that depends on it, directly or not.
// The result lists the tasks cancelled.
func (p *Pool) KillAndCancel(instanceID, reason string) (KillResult, error) {
	p.mu.Lock()
	inst, ok := p.instances[instanceID]
	_, live := p.running[instanceID]
	p.mu.Unlock()
	if !ok {
		return KillResult{}, fmt.Errorf("%w: %s: call status to list instance ids", ErrInstanceNotFound, QuoteRef(instanceID))
	}
	if !live {
		return KillResult{}, fmt.Errorf("%w: %q", ErrInstanceEnded, instanceID)
	}
	res, kills, err := p.cancel([]string{inst.taskID}, reason)
	if err != nil {
		return KillResult{}, err
	}
	forced := p.killAll(kills, reason)
	info := inst.Info(p.opts.Now(), 0)
	p.mu.Lock()
	taskState := p.tasks[inst.taskID].state.String()
	p.mu.Unlock()
	return KillResult{
		InstanceID: instanceID, TaskID: inst.taskID, Forced: forced[instanceID],
		State: info.State, ExitCode: info.ExitCode, TaskState: taskState, Cancelled: res.Cancelled,
	}, nil
}
