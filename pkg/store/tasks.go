package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Task is the durable record of one task.
type Task struct {
	ID string
	// RunID is the run that owns the task now: the run that queued it, or
	// the run that recovered it.
	RunID int64
	// FirstRunID is the run that queued it.
	FirstRunID int64
	Name       string
	// Spec is the task as the client submitted it, as JSON.
	Spec json.RawMessage
	// DependsOn lists the resolved ids of the tasks it depends on.
	DependsOn   []string
	Workspace   string
	State       string
	Attempts    int
	MaxAttempts int
	CreatedAt   time.Time
	UpdatedAt   time.Time
	FinishedAt  time.Time
	LastError   string
	// Handoff describes the last attempt that failed or was killed, as
	// JSON, or is empty.
	Handoff json.RawMessage
	// Worktree describes the git worktree of the task's workspace, as
	// JSON, or is empty for a plain directory.
	Worktree json.RawMessage
}

// TaskUpdate is the part of a task that changes while it runs.
type TaskUpdate struct {
	State      string
	Attempts   int
	UpdatedAt  time.Time
	FinishedAt time.Time
	LastError  string
	Handoff    json.RawMessage
}

// AddTasks records new tasks in one transaction: either all of them are
// stored or none is.
func (s *Store) AddTasks(ctx context.Context, tasks []Task) error {
	err := inTx(ctx, s.durable, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO tasks (id, run_id, first_run_id, name, spec, depends_on,
			workspace, state, attempts, max_attempts, created_at, updated_at, finished_at, last_error, handoff, worktree)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, t := range tasks {
			deps, err := json.Marshal(nonNil(t.DependsOn))
			if err != nil {
				return fmt.Errorf("encode the dependencies of task %s: %w", t.ID, err)
			}
			_, err = stmt.ExecContext(ctx, t.ID, t.RunID, t.FirstRunID, t.Name, string(t.Spec), string(deps),
				t.Workspace, t.State, t.Attempts, t.MaxAttempts, t.CreatedAt.UnixNano(), t.UpdatedAt.UnixNano(),
				unixNano(t.FinishedAt), t.LastError, string(t.Handoff), string(t.Worktree))
			if err != nil {
				return fmt.Errorf("insert task %s: %w", t.ID, err)
			}
		}
		return nil
	})
	return s.wrap(fmt.Sprintf("store %d tasks", len(tasks)), err)
}

// UpdateTask records a task's new state.
func (s *Store) UpdateTask(ctx context.Context, id string, u TaskUpdate) error {
	res, err := s.db.ExecContext(ctx, `UPDATE tasks SET state = ?, attempts = ?, updated_at = ?, finished_at = ?,
		last_error = ?, handoff = ? WHERE id = ?`,
		u.State, u.Attempts, u.UpdatedAt.UnixNano(), unixNano(u.FinishedAt), u.LastError, string(u.Handoff), id)
	if err != nil {
		return s.wrap("update task "+id, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("update task %s in %s: %w", id, s.path, ErrNotFound)
	}
	return nil
}

// MoveTasks gives the tasks of run from that are not in one of the final
// states to run to, and returns them in submission order.
func (s *Store) MoveTasks(ctx context.Context, from, to int64, final []string) ([]Task, error) {
	var moved []Task
	err := inTx(ctx, s.durable, func(tx *sql.Tx) error {
		args := []any{from}
		for _, state := range final {
			args = append(args, state)
		}
		cond := `run_id = ? AND state NOT IN (` + placeholders(len(final)) + `)`
		var err error
		if moved, err = queryTasks(ctx, tx, `WHERE `+cond+` ORDER BY rowid`, args...); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE tasks SET run_id = ? WHERE `+cond, append([]any{to}, args...)...)
		return err
	})
	for i := range moved {
		moved[i].RunID = to
	}
	return moved, s.wrap(fmt.Sprintf("move the tasks of run %d to run %d", from, to), err)
}

// TasksOfRun returns the tasks that run queued, in submission order.
func (s *Store) TasksOfRun(ctx context.Context, run int64) ([]Task, error) {
	tasks, err := queryTasks(ctx, s.db, `WHERE first_run_id = ? ORDER BY rowid`, run)
	return tasks, s.wrap(fmt.Sprintf("read the tasks of run %d", run), err)
}

// Task returns one task.
func (s *Store) Task(ctx context.Context, id string) (Task, error) {
	tasks, err := queryTasks(ctx, s.db, `WHERE id = ?`, id)
	if err != nil {
		return Task{}, s.wrap("read task "+id, err)
	}
	if len(tasks) == 0 {
		return Task{}, fmt.Errorf("task %s in %s: %w", id, s.path, ErrNotFound)
	}
	return tasks[0], nil
}

// TasksNamed returns the tasks called name, newest first.
func (s *Store) TasksNamed(ctx context.Context, name string) ([]Task, error) {
	tasks, err := queryTasks(ctx, s.db, `WHERE name = ? ORDER BY rowid DESC`, name)
	return tasks, s.wrap(fmt.Sprintf("read the tasks named %q", name), err)
}

// querier is the query interface that *sql.DB and *sql.Tx share.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func queryTasks(ctx context.Context, q querier, where string, args ...any) ([]Task, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, run_id, first_run_id, name, spec, depends_on, workspace, state,
		attempts, max_attempts, created_at, updated_at, finished_at, last_error, handoff, worktree FROM tasks `+where,
		args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var tasks []Task
	for rows.Next() {
		var t Task
		var spec, deps, handoff, worktree string
		var created, updated int64
		var finished sql.NullInt64
		if err := rows.Scan(&t.ID, &t.RunID, &t.FirstRunID, &t.Name, &spec, &deps, &t.Workspace, &t.State,
			&t.Attempts, &t.MaxAttempts, &created, &updated, &finished, &t.LastError, &handoff, &worktree); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(deps), &t.DependsOn); err != nil {
			return nil, fmt.Errorf("decode the dependencies of task %s: %w", t.ID, err)
		}
		t.Spec = json.RawMessage(spec)
		if handoff != "" {
			t.Handoff = json.RawMessage(handoff)
		}
		if worktree != "" {
			t.Worktree = json.RawMessage(worktree)
		}
		t.CreatedAt, t.UpdatedAt, t.FinishedAt = time.Unix(0, created), time.Unix(0, updated), fromNano(finished)
		tasks = append(tasks, t)
	}
	return tasks, rows.Err()
}

func placeholders(n int) string {
	if n == 0 {
		return "''"
	}
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
