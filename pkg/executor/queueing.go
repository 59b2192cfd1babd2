package executor

import (
	"path/filepath"

	"go.uber.org/zap"

	"github.com/axiom-mcp/axiom-mcp/pkg/queue"
)

// queueSpecs returns the queue's view of new tasks.
func queueSpecs(tasks []*task) []queue.Spec {
	specs := make([]queue.Spec, len(tasks))
	for i, t := range tasks {
		specs[i] = queue.Spec{
			ID: t.id, Name: t.spec.Name, Priority: t.spec.Priority, DependsOn: t.spec.DependsOn,
			Owns: ownedPaths(t.workspace, t.spec.Owns), MaxAttempts: t.maxAttempts,
		}
	}
	return specs
}

// ownedPaths returns the owned paths of a task for the queue. A relative
// path names the same place in every task's workspace, so an absolute path
// inside the task's own workspace becomes relative to it, and two tasks
// that own "src" overlap whichever form they used.
func ownedPaths(workspace string, owns []string) []string {
	out := make([]string, len(owns))
	for i, p := range owns {
		out[i] = p
		if !filepath.IsAbs(p) {
			continue
		}
		rel, err := filepath.Rel(workspace, filepath.Clean(p))
		if err == nil && (rel == "." || filepath.IsLocal(rel)) {
			out[i] = rel
		}
	}
	return out
}

// taskState returns the pool's state for a state of the queue.
func taskState(s queue.State) TaskState {
	switch s {
	case queue.Running:
		return TaskRunning
	case queue.Succeeded:
		return TaskSucceeded
	case queue.Failed:
		return TaskFailed
	case queue.Blocked:
		return TaskBlocked
	case queue.Cancelled:
		return TaskCancelled
	}
	return TaskQueued
}

// applyChangesLocked settles the tasks that the queue moved to a final
// state as a side effect, such as dependents blocked by a failure. Tasks
// the pool has already settled, as at shutdown, are left alone.
func (p *Pool) applyChangesLocked(changes []queue.Change) {
	for _, ch := range changes {
		t := p.tasks[ch.ID]
		if t == nil || t.state.Final() {
			continue
		}
		p.finishTaskLocked(t, taskState(ch.To), ch.Reason)
	}
}

// endTaskLocked reports the end of t's attempt to the queue with an
// outcome that settles the task, then settles it and its dependents in the
// pool.
func (p *Pool) endTaskLocked(t *task, outcome queue.Outcome, state TaskState, reason string) {
	res, err := p.queue.Finish(t.id, outcome, p.opts.Now())
	if err != nil {
		p.log.Error("queue rejected the end of an attempt", zap.String("task", t.id),
			zap.Stringer("outcome", outcome), zap.Error(err))
	}
	p.finishTaskLocked(t, state, reason)
	p.applyChangesLocked(res.Blocked)
}

// resolveDepsLocked sets the resolved ids of each new task's dependencies,
// which may name tasks of the same batch or tasks already queued, so that
// they can be stored before the queue takes the batch.
func (p *Pool) resolveDepsLocked(tasks []*task) {
	inBatch := make(map[string]string, 2*len(tasks))
	for _, t := range tasks {
		inBatch[t.id] = t.id
		if t.spec.Name != "" {
			inBatch[t.spec.Name] = t.id
		}
	}
	for _, t := range tasks {
		t.deps = t.deps[:0]
		for _, ref := range t.spec.DependsOn {
			if id, ok := inBatch[ref]; ok {
				t.deps = append(t.deps, id)
			} else if id, ok := p.queue.Lookup(ref); ok {
				t.deps = append(t.deps, id)
			}
		}
	}
}
