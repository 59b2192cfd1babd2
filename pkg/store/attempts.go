package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Attempt is the durable record of one instance: one attempt at a task.
type Attempt struct {
	InstanceID string
	TaskID     string
	RunID      int64
	Attempt    int
	// PID and PIDStart identify the agent process: its pid and its start
	// time in clock ticks since boot, from /proc/PID/stat. PID is 0 until
	// the process has started.
	PID      int
	PIDStart uint64
	// PGID and SID are the agent's process group and session, which the
	// agent leads.
	PGID, SID int
	// SessionID is the agent's own session id, such as Claude Code's.
	SessionID string
	Workspace string
	State     string
	StartedAt time.Time
	// EndedAt is zero while the attempt runs, and stays zero when the
	// server was killed while it ran.
	EndedAt    time.Time
	KillReason string
	// ExitCode is nil until the process has been reaped.
	ExitCode *int
	// OutputPath is a file with the instance's output, or empty.
	OutputPath string
	// FinalScreen is the instance's rendered screen when it ended.
	FinalScreen string
}

// AttemptEnd is the record of an attempt's end.
type AttemptEnd struct {
	State       string
	EndedAt     time.Time
	KillReason  string
	ExitCode    *int
	FinalScreen string
}

// AddAttempt records an attempt before or as its process starts.
func (s *Store) AddAttempt(ctx context.Context, a Attempt) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO attempts (instance_id, task_id, run_id, attempt, pid, pid_start,
		pgid, sid, session_id, workspace, state, started_at, output_path) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.InstanceID, a.TaskID, a.RunID, a.Attempt, a.PID, int64(a.PIDStart), a.PGID, a.SID, a.SessionID,
		a.Workspace, a.State, a.StartedAt.UnixNano(), a.OutputPath)
	return s.wrap("record attempt "+a.InstanceID, err)
}

// SetAttemptProcess records the process of an attempt once it has started.
func (s *Store) SetAttemptProcess(ctx context.Context, instanceID string, pid int, pidStart uint64, pgid, sid int) error {
	_, err := s.db.ExecContext(ctx, `UPDATE attempts SET pid = ?, pid_start = ?, pgid = ?, sid = ? WHERE instance_id = ?`,
		pid, int64(pidStart), pgid, sid, instanceID)
	return s.wrap("record the process of attempt "+instanceID, err)
}

// SetAttemptState records the state of a running attempt.
func (s *Store) SetAttemptState(ctx context.Context, instanceID, state string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE attempts SET state = ? WHERE instance_id = ? AND ended_at IS NULL`,
		state, instanceID)
	return s.wrap("record the state of attempt "+instanceID, err)
}

// SetAttemptOutput records the file that holds an attempt's output.
func (s *Store) SetAttemptOutput(ctx context.Context, instanceID, path string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE attempts SET output_path = ? WHERE instance_id = ?`, path, instanceID)
	return s.wrap("record the output file of attempt "+instanceID, err)
}

// EndAttempt records how an attempt ended.
func (s *Store) EndAttempt(ctx context.Context, instanceID string, end AttemptEnd) error {
	var code any
	if end.ExitCode != nil {
		code = *end.ExitCode
	}
	_, err := s.db.ExecContext(ctx, `UPDATE attempts SET state = ?, ended_at = ?, kill_reason = ?, exit_code = ?,
		final_screen = ? WHERE instance_id = ?`,
		end.State, end.EndedAt.UnixNano(), end.KillReason, code, end.FinalScreen, instanceID)
	return s.wrap("record the end of attempt "+instanceID, err)
}

// OpenAttempts returns the attempts of run that never recorded their end,
// in start order.
func (s *Store) OpenAttempts(ctx context.Context, run int64) ([]Attempt, error) {
	attempts, err := s.queryAttempts(ctx, `WHERE run_id = ? AND ended_at IS NULL ORDER BY started_at`, run)
	return attempts, s.wrap(fmt.Sprintf("read the open attempts of run %d", run), err)
}

// AttemptsOfTask returns the attempts at a task in start order.
func (s *Store) AttemptsOfTask(ctx context.Context, taskID string) ([]Attempt, error) {
	attempts, err := s.queryAttempts(ctx, `WHERE task_id = ? ORDER BY started_at`, taskID)
	return attempts, s.wrap("read the attempts of task "+taskID, err)
}

// Attempt returns the attempt of one instance.
func (s *Store) Attempt(ctx context.Context, instanceID string) (Attempt, error) {
	attempts, err := s.queryAttempts(ctx, `WHERE instance_id = ?`, instanceID)
	if err != nil {
		return Attempt{}, s.wrap("read attempt "+instanceID, err)
	}
	if len(attempts) == 0 {
		return Attempt{}, fmt.Errorf("instance %s in %s: %w", instanceID, s.path, ErrNotFound)
	}
	return attempts[0], nil
}

func (s *Store) queryAttempts(ctx context.Context, where string, args ...any) ([]Attempt, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT instance_id, task_id, run_id, attempt, pid, pid_start, pgid, sid,
		session_id, workspace, state, started_at, ended_at, kill_reason, exit_code, output_path, final_screen
		FROM attempts `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var attempts []Attempt
	for rows.Next() {
		var a Attempt
		var pidStart, started int64
		var ended, code sql.NullInt64
		if err := rows.Scan(&a.InstanceID, &a.TaskID, &a.RunID, &a.Attempt, &a.PID, &pidStart, &a.PGID, &a.SID,
			&a.SessionID, &a.Workspace, &a.State, &started, &ended, &a.KillReason, &code, &a.OutputPath,
			&a.FinalScreen); err != nil {
			return nil, err
		}
		a.PIDStart, a.StartedAt, a.EndedAt = uint64(pidStart), time.Unix(0, started), fromNano(ended)
		if code.Valid {
			c := int(code.Int64)
			a.ExitCode = &c
		}
		attempts = append(attempts, a)
	}
	return attempts, rows.Err()
}
