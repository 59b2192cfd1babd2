package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"go.uber.org/zap"

	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
	"github.com/axiom-mcp/axiom-mcp/pkg/proctree"
	"github.com/axiom-mcp/axiom-mcp/pkg/store"
)

// DefaultStateDir returns the directory of the server's database when none
// is configured: $XDG_STATE_HOME/axiom-mcp, else ~/.local/state/axiom-mcp.
func DefaultStateDir() string {
	state := os.Getenv("XDG_STATE_HOME")
	if state == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return filepath.Join(os.TempDir(), "axiom-mcp")
		}
		state = filepath.Join(home, ".local", "state")
	}
	return filepath.Join(state, "axiom-mcp")
}

// stateOpenTimeout bounds opening the database and recording the run,
// which wait for another server's write lock at most the store's busy
// timeout.
const stateOpenTimeout = 30 * time.Second

// durableState is the open store of a serving pool and this server's run
// in it.
type durableState struct {
	st  *store.Store
	run store.Run
	log *zap.Logger
}

// openState opens the database in dir and records this server start.
func openState(dir string, log *zap.Logger) (*durableState, error) {
	ctx, cancel := context.WithTimeout(context.Background(), stateOpenTimeout)
	defer cancel()
	st, err := store.Open(ctx, dir, log)
	if err != nil {
		return nil, err
	}
	self, err := proctree.Read(os.Getpid())
	if err != nil {
		_ = st.Close()
		return nil, fmt.Errorf("read this server's start time: %w", err)
	}
	run, err := st.StartRun(ctx, store.Run{StartedAt: time.Now(), PID: self.PID, PIDStart: self.Start, Version: Version})
	if err != nil {
		_ = st.Close()
		return nil, err
	}
	log.Info("state database opened", zap.String("path", st.Path()), zap.Int64("run", run.ID))
	return &durableState{st: st, run: run, log: log}, nil
}

// poolOptions sets the store, the run and a store-backed event log.
func (s *durableState) poolOptions(opts *executor.Options) error {
	ctx, cancel := context.WithTimeout(context.Background(), stateOpenTimeout)
	defer cancel()
	events, err := executor.NewStoreLog(ctx, s.st, s.run.ID, s.log)
	if err != nil {
		return err
	}
	opts.Store, opts.RunID, opts.EventLog = s.st, s.run.ID, events
	return nil
}

// recoverRuns takes over the work of earlier runs that were killed.
func (s *durableState) recoverRuns(pool *executor.Pool) error {
	report, err := pool.Recover(context.Background())
	if err != nil {
		return fmt.Errorf("recover earlier runs from %s: %w", s.st.Path(), err)
	}
	for _, inst := range report.Instances {
		s.log.Warn("attempt of a killed server recovered", zap.String("instance", inst.InstanceID),
			zap.String("task", inst.TaskID), zap.Int("pid", inst.PID), zap.Ints("ended", inst.Ended),
			zap.Bool("pid_reused", inst.PIDReused))
	}
	for id, reason := range report.Settled {
		s.log.Warn("task of a killed server not restored", zap.String("task", id), zap.String("reason", reason))
	}
	return nil
}

// close records the end of the run and closes the database.
func (s *durableState) close() {
	ctx, cancel := context.WithTimeout(context.Background(), stateOpenTimeout)
	defer cancel()
	if err := s.st.EndRun(ctx, s.run.ID, time.Now()); err != nil {
		s.log.Error("record the end of the run failed", zap.Error(err))
	}
	if err := s.st.Close(); err != nil {
		s.log.Error("close the state database failed", zap.Error(err))
	}
}

// closeIfOpen closes s unless it is nil, as for a pool without a store.
func (s *durableState) closeIfOpen() {
	if s != nil {
		s.close()
	}
}

// openPoolState opens the state database of c.StateDir and sets the pool
// options that write through it. It returns nil when c.StateDir is empty,
// which keeps all state in memory.
func (c Config) openPoolState(opts *executor.Options) (*durableState, error) {
	if c.StateDir == "" {
		return nil, nil
	}
	state, err := openState(c.StateDir, c.Logger)
	if err != nil {
		return nil, err
	}
	if err := state.poolOptions(opts); err != nil {
		state.close()
		return nil, err
	}
	return state, nil
}
