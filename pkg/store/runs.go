package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Run is one start of the server.
type Run struct {
	ID        int64
	StartedAt time.Time
	// EndedAt is zero while the run goes on, and stays zero when the
	// server was killed.
	EndedAt time.Time
	// PID and PIDStart identify the server process: its pid and its start
	// time in clock ticks since boot, from /proc/PID/stat.
	PID      int
	PIDStart uint64
	Version  string
	// RecoveredBy is the run that took over this run's unfinished work
	// after it stopped without ending, or 0.
	RecoveredBy int64
}

// StartRun records a new run and returns it with its id.
func (s *Store) StartRun(ctx context.Context, run Run) (Run, error) {
	res, err := s.durable.ExecContext(ctx,
		`INSERT INTO runs (started_at, pid, pid_start, version) VALUES (?, ?, ?, ?)`,
		run.StartedAt.UnixNano(), run.PID, int64(run.PIDStart), run.Version)
	if err != nil {
		return Run{}, s.wrap("record the server start", err)
	}
	if run.ID, err = res.LastInsertId(); err != nil {
		return Run{}, s.wrap("read the id of the new run", err)
	}
	return run, nil
}

// EndRun records that a run ended cleanly.
func (s *Store) EndRun(ctx context.Context, id int64, at time.Time) error {
	_, err := s.durable.ExecContext(ctx, `UPDATE runs SET ended_at = ? WHERE id = ?`, at.UnixNano(), id)
	return s.wrap(fmt.Sprintf("record the end of run %d", id), err)
}

// ClaimRun marks run as recovered by the run by, unless another run has
// claimed it already. It returns whether this call claimed it, so two
// servers that start at once never recover the same run twice.
func (s *Store) ClaimRun(ctx context.Context, run, by int64) (bool, error) {
	res, err := s.durable.ExecContext(ctx,
		`UPDATE runs SET recovered_by = ? WHERE id = ? AND recovered_by IS NULL AND ended_at IS NULL`, by, run)
	if err != nil {
		return false, s.wrap(fmt.Sprintf("claim run %d", run), err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, s.wrap(fmt.Sprintf("claim run %d", run), err)
	}
	return n == 1, nil
}

// UnfinishedRuns returns the runs other than current that never recorded
// their end and were not recovered, oldest first. Their server was killed,
// or still runs.
func (s *Store) UnfinishedRuns(ctx context.Context, current int64) ([]Run, error) {
	return s.queryRuns(ctx, `WHERE ended_at IS NULL AND recovered_by IS NULL AND id <> ? ORDER BY id`, current)
}

// Runs returns the latest limit runs, newest first. A limit below 1 means
// all.
func (s *Store) Runs(ctx context.Context, limit int) ([]Run, error) {
	if limit < 1 {
		limit = -1
	}
	return s.queryRuns(ctx, `ORDER BY id DESC LIMIT ?`, limit)
}

// Run returns one run.
func (s *Store) Run(ctx context.Context, id int64) (Run, error) {
	runs, err := s.queryRuns(ctx, `WHERE id = ?`, id)
	if err != nil {
		return Run{}, err
	}
	if len(runs) == 0 {
		return Run{}, fmt.Errorf("run %d in %s: %w", id, s.path, ErrNotFound)
	}
	return runs[0], nil
}

func (s *Store) queryRuns(ctx context.Context, where string, args ...any) ([]Run, error) {
	rows, err := s.db.QueryContext(ctx,
		`SELECT id, started_at, ended_at, pid, pid_start, version, recovered_by FROM runs `+where, args...)
	if err != nil {
		return nil, s.wrap("read runs", err)
	}
	defer rows.Close()
	var runs []Run
	for rows.Next() {
		var r Run
		var started int64
		var ended, recoveredBy sql.NullInt64
		var pidStart int64
		if err := rows.Scan(&r.ID, &started, &ended, &r.PID, &pidStart, &r.Version, &recoveredBy); err != nil {
			return nil, s.wrap("read a run", err)
		}
		r.StartedAt, r.EndedAt = time.Unix(0, started), fromNano(ended)
		r.PIDStart, r.RecoveredBy = uint64(pidStart), recoveredBy.Int64
		runs = append(runs, r)
	}
	return runs, s.wrap("read runs", rows.Err())
}
