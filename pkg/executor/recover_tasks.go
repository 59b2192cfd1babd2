package executor

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"go.uber.org/zap"

	"github.com/axiom-mcp/axiom-mcp/pkg/store"
	"github.com/axiom-mcp/axiom-mcp/pkg/workspace"
)

// restoreTasks queues the unfinished tasks of earlier runs again, in the
// order given, and returns the ids queued and the tasks settled instead
// with the reason. interrupted maps the tasks whose attempt was running
// to that attempt's number.
func (p *Pool) restoreTasks(ctx context.Context, records []store.Task,
	interrupted map[string]int) ([]string, map[string]string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	settled := make(map[string]string)
	restored := make(map[string]bool, len(records))
	names := make(map[string]bool)
	var tasks []*task
	for _, rec := range records {
		t, failure := p.restoredTask(ctx, rec, interrupted, restored)
		if failure != nil {
			settled[rec.ID] = failure.reason
			p.settleRestoreFailure(rec, *failure)
			continue
		}
		// A name may be used again once its first task ended, so two
		// restored tasks can share one. The later one loses it.
		if t.spec.Name != "" && (p.names[t.spec.Name] != "" || names[t.spec.Name]) {
			t.spec.Name = ""
		}
		names[t.spec.Name] = true
		restored[t.id] = true
		tasks = append(tasks, t)
	}
	requeued := []string{}
	if len(tasks) == 0 {
		return requeued, settled
	}
	specs := queueSpecs(tasks)
	for i, t := range tasks {
		specs[i].DependsOn = t.deps
		specs[i].Attempts = t.attempts
	}
	if _, err := p.queue.Add(specs); err != nil {
		p.log.Error("queue rejected the restored tasks", zap.Error(err))
		for _, t := range tasks {
			settled[t.id] = "could not be queued again: " + err.Error()
			t.state = TaskFailed
			t.finishedAt = p.opts.Now()
			t.lastError = settled[t.id]
			p.journal.saveTask(t, p.opts.Now())
		}
		return requeued, settled
	}
	for _, t := range tasks {
		p.tasks[t.id] = t
		p.order = append(p.order, t)
		if t.spec.Name != "" {
			p.names[t.spec.Name] = t.id
		}
		p.journal.saveTask(t, p.opts.Now())
		requeued = append(requeued, t.id)
		msg := "task restored from an earlier run and queued again"
		if t.handoff != nil && t.handoff.filesUnknown {
			msg = fmt.Sprintf("%s; queued again in workspace %s", t.handoff.reason, t.workspace)
		}
		p.publish(Event{Kind: EventRecovered, Level: LevelWarning, TaskID: t.id, TaskState: t.state.String(),
			Message: msg, Reason: t.lastError})
	}
	p.scheduleLocked()
	return requeued, settled
}

// restoreFailure is why a task of an earlier run cannot run again, and
// the final state it gets.
type restoreFailure struct {
	reason string
	state  TaskState
}

func failRestore(format string, args ...any) *restoreFailure {
	return &restoreFailure{reason: fmt.Sprintf(format, args...), state: TaskFailed}
}

// restoredTask rebuilds a task from its record, or returns why it cannot
// run again. restored holds the tasks restored before it, in order.
func (p *Pool) restoredTask(ctx context.Context, rec store.Task, interrupted map[string]int,
	restored map[string]bool) (*task, *restoreFailure) {
	var spec TaskSpec
	if err := json.Unmarshal(rec.Spec, &spec); err != nil {
		return nil, failRestore("its stored spec is invalid: %v", err)
	}
	t := &task{id: rec.ID, spec: spec, workspace: rec.Workspace, maxAttempts: rec.MaxAttempts,
		attempts: rec.Attempts, state: TaskQueued, lastError: rec.LastError, createdAt: rec.CreatedAt}
	if len(rec.Worktree) > 0 {
		var tree workspace.Worktree
		if err := json.Unmarshal(rec.Worktree, &tree); err != nil {
			return nil, failRestore("its stored worktree is invalid: %v", err)
		}
		t.git = &taskWorktree{tree: tree}
	}
	if len(rec.Handoff) > 0 {
		var h handoffRecord
		if err := json.Unmarshal(rec.Handoff, &h); err == nil {
			t.handoff = h.handoff()
		}
	}
	if attempt, ok := interrupted[rec.ID]; ok || rec.State == TaskRunning.String() {
		if !ok {
			attempt = rec.Attempts
		}
		reason := interruptedReason(attempt)
		t.handoff = &handoff{attempt: attempt, reason: reason, filesUnknown: true}
		t.lastError = reason
	}
	// The attempt the crash stopped counts, but never fails the task: it
	// gets one more attempt instead.
	t.maxAttempts = max(t.maxAttempts, t.attempts+1)
	if reason := p.restoredDeps(ctx, t, rec.DependsOn, restored); reason != "" {
		return nil, &restoreFailure{reason: reason, state: TaskBlocked}
	}
	launch, err := p.resolveLaunch(spec, "task "+rec.ID)
	if err != nil {
		return nil, failRestore("cannot start again: %v", err)
	}
	t.launch = launch
	if t.git != nil {
		if _, err := os.Stat(t.workspace); err != nil {
			return nil, failRestore("its worktree workspace %s is gone: %v", t.workspace, err)
		}
	} else if err := os.MkdirAll(t.workspace, 0o755); err != nil {
		return nil, failRestore("its workspace %s cannot be created again: %v", t.workspace, err)
	}
	return t, nil
}

// restoredDeps sets t's dependencies to those restored before it. A
// dependency that succeeded is met and dropped. Any other dependency means
// t cannot run, and the reason is returned.
func (p *Pool) restoredDeps(ctx context.Context, t *task, deps []string, restored map[string]bool) string {
	for _, dep := range deps {
		if restored[dep] {
			t.deps = append(t.deps, dep)
			continue
		}
		rec, err := p.opts.Store.Task(ctx, dep)
		if err != nil {
			return fmt.Sprintf("depends on %s, which could not be read: %v", dep, err)
		}
		if rec.State != TaskSucceeded.String() {
			return fmt.Sprintf("depends on %s, which is %s", dep, rec.State)
		}
	}
	return ""
}

// settleRestoreFailure records a task that cannot run again in its final
// state.
func (p *Pool) settleRestoreFailure(rec store.Task, failure restoreFailure) {
	now := p.opts.Now()
	t := &task{id: rec.ID, state: failure.state, attempts: rec.Attempts, lastError: failure.reason, finishedAt: now}
	p.journal.saveTask(t, now)
	p.log.Warn("task from an earlier run not restored", zap.String("task", rec.ID),
		zap.String("reason", failure.reason))
	p.publish(Event{Kind: EventTaskFinished, Level: LevelWarning, TaskID: rec.ID, TaskState: failure.state.String(),
		Message: fmt.Sprintf("task %s: %s", failure.state, failure.reason), Reason: failure.reason})
}
