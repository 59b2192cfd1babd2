// Package store keeps the server's durable state in an embedded SQLite
// database: the runs of the server, the tasks, each attempt at a task with
// its process identity, the pool's events and the score history. It uses
// modernc.org/sqlite, a driver written in Go, so builds need no C compiler.
//
// The database runs in WAL mode. Every committed write survives a kill of
// the process, because SQLite has handed it to the operating system before
// the commit returns. Writes that acknowledge work to a client, such as
// AddTasks, run with synchronous=FULL, so they also survive a crash of the
// machine. The others run with synchronous=NORMAL, which saves an fsync per
// commit, and the latest of them can be lost when the machine crashes.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"go.uber.org/zap"
)

// FileName is the name of the database file in the state directory.
const FileName = "axiom-mcp.db"

// busyTimeout is how long a statement waits for another connection's
// write lock before it fails with SQLITE_BUSY.
const busyTimeout = 10 * time.Second

// Store is an open database. It is safe for concurrent use.
type Store struct {
	// db runs with synchronous=NORMAL, and durable with synchronous=FULL.
	db      *sql.DB
	durable *sql.DB
	path    string
	log     *zap.Logger
}

// Open opens or creates the database in dir, creating dir when it is
// missing, and brings its schema up to date.
func Open(ctx context.Context, dir string, log *zap.Logger) (*Store, error) {
	if log == nil {
		log = zap.NewNop()
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create state directory %s: %w: choose another with --state-dir", dir, err)
	}
	path := filepath.Join(dir, FileName)
	durable, err := sql.Open("sqlite", dsn(path, "FULL"))
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	db, err := sql.Open("sqlite", dsn(path, "NORMAL"))
	if err != nil {
		_ = durable.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	s := &Store{db: db, durable: durable, path: path, log: log}
	if err := s.migrate(ctx); err != nil {
		_ = s.Close()
		return nil, fmt.Errorf("database %s: %w: move the file away to start with an empty state", path, err)
	}
	return s, nil
}

// dsn returns the connection string of the database at path with the
// given synchronous mode. Every connection sets the pragmas, because
// SQLite keeps them per connection, and begins transactions with BEGIN
// IMMEDIATE so that two writers never deadlock on a lock upgrade.
func dsn(path, synchronous string) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous("+synchronous+")")
	q.Add("_pragma", "foreign_keys(1)")
	q.Set("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode()
}

// Path returns the path of the database file.
func (s *Store) Path() string { return s.path }

// Close closes the database.
func (s *Store) Close() error {
	err := errors.Join(s.db.Close(), s.durable.Close())
	if err != nil {
		return fmt.Errorf("close database %s: %w", s.path, err)
	}
	return nil
}

// inTx runs fn in a transaction on db and commits it, or rolls it back
// when fn fails.
func inTx(ctx context.Context, db *sql.DB, fn func(tx *sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// wrap adds the database path and the operation to err.
func (s *Store) wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s in %s: %w", op, s.path, err)
}

// ErrNotFound is returned when a record does not exist.
var ErrNotFound = errors.New("not found")

// unixNano returns t as nanoseconds since the epoch, or nil for the zero
// time, for nullable columns.
func unixNano(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixNano()
}

// fromNano returns the time of a nullable nanosecond column.
func fromNano(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.Unix(0, v.Int64)
}
