package workspace

import (
	"context"
	"fmt"
	"sync"
	"time"

	"go.uber.org/zap"
)

// repoLocks maps a repository's common git directory to a one-slot
// channel that serialises changes to its worktrees and branches. It is
// package state because the lock must cover every caller in the process.
var repoLocks sync.Map

// lockRepository waits for the repository's slot and returns the function
// that frees it. It returns ctx's error when ctx ends first.
func lockRepository(ctx context.Context, commonDir string) (func(), error) {
	slot, _ := repoLocks.LoadOrStore(commonDir, make(chan struct{}, 1))
	ch := slot.(chan struct{})
	select {
	case ch <- struct{}{}:
		return func() { <-ch }, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("wait for other worktree changes in %s: %w", commonDir, ctx.Err())
	}
}

// Retry schedule for lock errors: 50 ms doubling, six tries, about 1.5 s
// of waiting in all.
const (
	lockTries        = 6
	lockFirstBackoff = 50 * time.Millisecond
)

// retryOnLock runs fn until it succeeds, fails with an error other than a
// lock error, or has been tried lockTries times. Other git processes, such
// as an agent committing in another worktree, hold the repository's ref and
// config locks for moments.
func retryOnLock(ctx context.Context, log *zap.Logger, what string, fn func() error) error {
	backoff := lockFirstBackoff
	for try := 1; ; try++ {
		err := fn()
		if err == nil || !isLockError(err) || try == lockTries {
			return err
		}
		log.Info("git lock held by another process; retrying",
			zap.String("operation", what), zap.Int("try", try), zap.Duration("backoff", backoff), zap.Error(err))
		select {
		case <-time.After(backoff):
		case <-ctx.Done():
			return fmt.Errorf("%w (gave up waiting: %w)", err, ctx.Err())
		}
		backoff *= 2
	}
}
