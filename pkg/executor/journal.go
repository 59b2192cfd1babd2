package executor

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/axiom-mcp/axiom-mcp/pkg/proctree"
	"github.com/axiom-mcp/axiom-mcp/pkg/store"
)

// journal records the pool's state changes in Options.Store. Without a
// store every method does nothing. Only addTasks returns its error,
// because a spawn is acknowledged only once its tasks are stored. The
// pool cannot act on other failures, so they are logged.
type journal struct {
	st    *store.Store
	runID int64
	log   *zap.Logger
}

// journalTimeout bounds one write, which waits at most the store's busy
// timeout for another writer's lock.
const journalTimeout = 30 * time.Second

func (j *journal) enabled() bool { return j != nil && j.st != nil }

func (j *journal) context() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), journalTimeout)
}

func (j *journal) logError(msg string, err error, fields ...zap.Field) {
	if err != nil {
		j.log.Error(msg, append(fields, zap.Error(err))...)
	}
}

// addTasks stores new tasks in one transaction.
func (j *journal) addTasks(tasks []*task, now time.Time) error {
	if !j.enabled() {
		return nil
	}
	records := make([]store.Task, len(tasks))
	for i, t := range tasks {
		records[i] = taskRecord(t, j.runID, now)
	}
	ctx, cancel := j.context()
	defer cancel()
	return j.st.AddTasks(ctx, records)
}

// saveTask stores the task's state, attempts, last error and handoff.
func (j *journal) saveTask(t *task, now time.Time) {
	if !j.enabled() {
		return
	}
	ctx, cancel := j.context()
	defer cancel()
	j.logError("store task state failed", j.st.UpdateTask(ctx, t.id, taskUpdate(t, now)), zap.String("task", t.id))
}

// addAttempt records an attempt before its process starts, so that a
// crash while it starts still leaves a record to recover from.
func (j *journal) addAttempt(a store.Attempt) {
	if !j.enabled() {
		return
	}
	a.RunID = j.runID
	ctx, cancel := j.context()
	defer cancel()
	j.logError("store attempt failed", j.st.AddAttempt(ctx, a), zap.String("instance", a.InstanceID))
}

// attemptOutput records the plain-text transcript file of an attempt, so
// `axiom-mcp logs` can print it after the server is gone.
func (j *journal) attemptOutput(instanceID, path string) {
	if !j.enabled() || path == "" {
		return
	}
	ctx, cancel := j.context()
	defer cancel()
	j.logError("store attempt output failed", j.st.SetAttemptOutput(ctx, instanceID, path), zap.String("instance", instanceID))
}

// attemptStarted records the identity of an attempt's process: its pid,
// start time, process group and session, which it leads.
func (j *journal) attemptStarted(inst *Instance) {
	if !j.enabled() {
		return
	}
	var start uint64
	if proc, err := proctree.Read(inst.pid); err == nil {
		start = proc.Start
	} else {
		j.log.Warn("read the start time of an agent failed; recovery will not end it by pid",
			zap.String("instance", inst.id), zap.Int("pid", inst.pid), zap.Error(err))
	}
	ctx, cancel := j.context()
	defer cancel()
	err := j.st.SetAttemptProcess(ctx, inst.id, inst.pid, start, inst.pid, inst.pid)
	j.logError("store attempt process failed", err, zap.String("instance", inst.id))
}

// attemptState records the state of a running attempt.
func (j *journal) attemptState(instanceID string, state InstanceState) {
	if !j.enabled() {
		return
	}
	ctx, cancel := j.context()
	defer cancel()
	err := j.st.SetAttemptState(ctx, instanceID, state.String())
	j.logError("store attempt state failed", err, zap.String("instance", instanceID))
}

// endAttempt records how an attempt ended.
func (j *journal) endAttempt(instanceID string, end store.AttemptEnd) {
	if !j.enabled() {
		return
	}
	ctx, cancel := j.context()
	defer cancel()
	j.logError("store attempt end failed", j.st.EndAttempt(ctx, instanceID, end), zap.String("instance", instanceID))
}

// addScores stores a batch of score history.
func (j *journal) addScores(scores []store.Score) {
	if !j.enabled() || len(scores) == 0 {
		return
	}
	ctx, cancel := j.context()
	defer cancel()
	j.logError("store scores failed", j.st.AddScores(ctx, scores), zap.Int("scores", len(scores)))
}

// taskRecord returns the stored form of a new task.
func taskRecord(t *task, runID int64, now time.Time) store.Task {
	spec, _ := json.Marshal(t.spec) // a TaskSpec always encodes
	u := taskUpdate(t, now)
	return store.Task{
		ID: t.id, RunID: runID, FirstRunID: runID, Name: t.spec.Name, Spec: spec,
		DependsOn: append([]string(nil), t.deps...), Workspace: t.workspace, State: u.State,
		Attempts: u.Attempts, MaxAttempts: t.maxAttempts, CreatedAt: t.createdAt, UpdatedAt: now,
		FinishedAt: u.FinishedAt, LastError: u.LastError, Handoff: u.Handoff, Worktree: worktreeRecord(t),
	}
}

// worktreeRecord returns the stored form of the task's git worktree, or
// nil for a plain directory.
func worktreeRecord(t *task) json.RawMessage {
	if t.git == nil || t.git.tree.Path == "" {
		return nil
	}
	data, _ := json.Marshal(t.git.tree) // plain string fields always encode
	return data
}

// taskUpdate returns the stored form of a task's changing fields.
func taskUpdate(t *task, now time.Time) store.TaskUpdate {
	u := store.TaskUpdate{State: t.state.String(), Attempts: t.attempts, UpdatedAt: now, LastError: t.lastError}
	if t.state.Final() {
		u.FinishedAt = t.finishedAt
	}
	if t.handoff != nil {
		u.Handoff, _ = json.Marshal(t.handoff.record()) // plain fields always encode
	}
	return u
}

// screenText returns the rendered screen as text without trailing blank
// rows.
func screenText(lines []string) string {
	return strings.TrimRight(strings.Join(lines, "\n"), " \n")
}
