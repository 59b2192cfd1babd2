package bench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
	"github.com/axiom-mcp/axiom-mcp/pkg/profile"
	"github.com/axiom-mcp/axiom-mcp/pkg/store"
)

// storePool is an in-process pool set up as the server sets up its own:
// a durable store with a store-backed event log, the default tick, and
// the test agent's terminal UI as the profile.
type storePool struct {
	pool *executor.Pool
	prof *profile.Profile
	stop func()
}

// startStorePool runs a pool of up to instances agents under env.Dir whose
// tasks run the test agent's terminal UI with directives.
func startStorePool(ctx context.Context, env *Env, instances int, directives string) (*storePool, error) {
	set, prof, err := loadTUIProfile(env.Dir, env.TestAgent, directives)
	if err != nil {
		return nil, err
	}

	st, err := store.Open(ctx, filepath.Join(env.Dir, "state"), env.Log)
	if err != nil {
		return nil, err
	}
	run, err := st.StartRun(ctx, store.Run{StartedAt: time.Now(), PID: os.Getpid()})
	if err != nil {
		_ = st.Close()
		return nil, err
	}
	events, err := executor.NewStoreLog(ctx, st, run.ID, env.Log)
	if err != nil {
		_ = st.Close()
		return nil, err
	}

	pool, err := executor.New(executor.Options{
		MaxInstances:  instances,
		WorkspaceRoot: filepath.Join(env.Dir, "workspaces"),
		TranscriptDir: filepath.Join(env.Dir, "transcripts"),
		Profiles:      set,
		Profile:       tuiProfileName,
		Logger:        env.Log,
		Store:         st,
		RunID:         run.ID,
		EventLog:      events,
	})
	if err != nil {
		_ = st.Close()
		return nil, fmt.Errorf("start the pool: %w", err)
	}
	runCtx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = pool.Run(runCtx)
	}()
	stop := func() {
		cancel()
		<-done
		_ = st.Close()
	}
	return &storePool{pool: pool, prof: prof, stop: stop}, nil
}

// waitAllSucceeded polls until every task has ended. It fails when one did
// not succeed or limit passes first.
func waitAllSucceeded(ctx context.Context, pool *executor.Pool, taskIDs []string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		pending := 0
		for _, id := range taskIDs {
			st, err := pool.Status(executor.Filter{TaskID: id})
			if err != nil || len(st.Tasks) != 1 {
				return fmt.Errorf("read task %s: %v", id, err)
			}
			switch t := st.Tasks[0]; t.State {
			case "queued", "running":
				pending++
			case "succeeded":
			default:
				return fmt.Errorf("task %s ended %s: %s", id, t.State, t.LastError)
			}
		}
		if pending == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d of %d tasks still running after %s", pending, len(taskIDs), limit)
		}
		if sleepContext(ctx, 200*time.Millisecond) != nil {
			return errors.New("interrupted while the tasks ran")
		}
	}
}
