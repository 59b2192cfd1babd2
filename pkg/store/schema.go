package store

import (
	"context"
	"database/sql"
	"fmt"
)

// migrations are the schema changes in order; migration i brings the
// schema to version i+1. Add new ones at the end and never edit one that
// has shipped, because databases that applied it will not run it again.
var migrations = []string{
	`CREATE TABLE runs (
		id           INTEGER PRIMARY KEY,
		started_at   INTEGER NOT NULL,
		ended_at     INTEGER,
		pid          INTEGER NOT NULL,
		pid_start    INTEGER NOT NULL,
		version      TEXT NOT NULL,
		recovered_by INTEGER REFERENCES runs(id)
	);
	CREATE TABLE tasks (
		id           TEXT PRIMARY KEY,
		run_id       INTEGER NOT NULL REFERENCES runs(id),
		first_run_id INTEGER NOT NULL REFERENCES runs(id),
		name         TEXT NOT NULL DEFAULT '',
		spec         TEXT NOT NULL,
		depends_on   TEXT NOT NULL DEFAULT '[]',
		workspace    TEXT NOT NULL,
		state        TEXT NOT NULL,
		attempts     INTEGER NOT NULL DEFAULT 0,
		max_attempts INTEGER NOT NULL,
		created_at   INTEGER NOT NULL,
		updated_at   INTEGER NOT NULL,
		finished_at  INTEGER,
		last_error   TEXT NOT NULL DEFAULT '',
		handoff      TEXT NOT NULL DEFAULT ''
	);
	CREATE INDEX tasks_run ON tasks(run_id);
	CREATE TABLE attempts (
		instance_id  TEXT PRIMARY KEY,
		task_id      TEXT NOT NULL REFERENCES tasks(id),
		run_id       INTEGER NOT NULL REFERENCES runs(id),
		attempt      INTEGER NOT NULL,
		pid          INTEGER NOT NULL DEFAULT 0,
		pid_start    INTEGER NOT NULL DEFAULT 0,
		pgid         INTEGER NOT NULL DEFAULT 0,
		sid          INTEGER NOT NULL DEFAULT 0,
		session_id   TEXT NOT NULL DEFAULT '',
		workspace    TEXT NOT NULL,
		state        TEXT NOT NULL,
		started_at   INTEGER NOT NULL,
		ended_at     INTEGER,
		kill_reason  TEXT NOT NULL DEFAULT '',
		exit_code    INTEGER,
		output_path  TEXT NOT NULL DEFAULT '',
		final_screen TEXT NOT NULL DEFAULT ''
	);
	CREATE INDEX attempts_task ON attempts(task_id);
	CREATE INDEX attempts_open ON attempts(run_id) WHERE ended_at IS NULL;
	CREATE TABLE events (
		seq         INTEGER PRIMARY KEY,
		run_id      INTEGER NOT NULL REFERENCES runs(id),
		time        INTEGER NOT NULL,
		kind        TEXT NOT NULL,
		level       TEXT NOT NULL,
		task_id     TEXT NOT NULL DEFAULT '',
		instance_id TEXT NOT NULL DEFAULT '',
		data        TEXT NOT NULL
	);
	CREATE INDEX events_instance ON events(instance_id, seq);
	CREATE TABLE scores (
		instance_id TEXT NOT NULL,
		time        INTEGER NOT NULL,
		score       INTEGER NOT NULL,
		verdict     TEXT NOT NULL
	);
	CREATE INDEX scores_instance ON scores(instance_id, time);`,
	// The git worktree of a task whose workspace is one, as JSON.
	`ALTER TABLE tasks ADD COLUMN worktree TEXT NOT NULL DEFAULT ''`,
}

// SchemaVersion is the schema version this package writes.
func SchemaVersion() int { return len(migrations) }

// migrate applies the migrations the database has not seen yet, each in a
// transaction of its own together with the new version number. A database
// of a newer version is rejected rather than written with an old schema.
func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.durable.ExecContext(ctx,
		`CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("create the schema version table: %w", err)
	}
	version, err := s.version(ctx)
	if err != nil {
		return err
	}
	if version > len(migrations) {
		return fmt.Errorf("schema version %d is newer than version %d of this axiom-mcp: run a newer axiom-mcp",
			version, len(migrations))
	}
	for v := version; v < len(migrations); v++ {
		if err := s.applyMigration(ctx, v); err != nil {
			return fmt.Errorf("migrate the schema to version %d: %w", v+1, err)
		}
	}
	return nil
}

// applyMigration applies migration v unless another process applied it
// first: the version is read again inside the transaction, which holds the
// write lock.
func (s *Store) applyMigration(ctx context.Context, v int) error {
	return inTx(ctx, s.durable, func(tx *sql.Tx) error {
		var current sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT max(version) FROM schema_version`).Scan(&current); err != nil {
			return err
		}
		if int(current.Int64) > v {
			return nil
		}
		if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM schema_version`); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version) VALUES (?)`, v+1)
		return err
	})
}

// version returns the schema version, 0 for a new database.
func (s *Store) version(ctx context.Context) (int, error) {
	var version sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT max(version) FROM schema_version`).Scan(&version)
	if err != nil {
		return 0, fmt.Errorf("read the schema version: %w", err)
	}
	return int(version.Int64), nil
}

// Version returns the schema version of the open database.
func (s *Store) Version(ctx context.Context) (int, error) { return s.version(ctx) }
