package watch

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// waitTimeout is generous because the test machine is slow under -race.
const (
	waitTimeout = 10 * time.Second
	waitTick    = 10 * time.Millisecond
)

// startWatcher creates a Watcher on root and runs it until the test ends.
func startWatcher(t *testing.T, root string, opts Options) *Watcher {
	t.Helper()
	w, err := New(root, opts)
	require.NoError(t, err)
	runWatcher(t, w)
	return w
}

// runWatcher runs w in a goroutine that the test cleanup stops and waits for.
func runWatcher(t *testing.T, w *Watcher) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()

	t.Cleanup(func() {
		cancel()
		require.NoError(t, w.Close())
		select {
		case <-done:
		case <-time.After(waitTimeout):
			t.Error("Run did not return after Close")
		}
	})
}

// waitFor polls the Watcher snapshot until cond holds.
func waitFor(t *testing.T, w *Watcher, msg string, cond func(Snapshot) bool) {
	t.Helper()
	if !assert.Eventually(t, func() bool { return cond(w.Snapshot()) }, waitTimeout, waitTick, msg) {
		t.Fatalf("last snapshot: %+v", w.Snapshot())
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
}

// manualClock is a clock that moves only when a test advances it.
type manualClock struct {
	mu  sync.Mutex
	now time.Time
}

func newManualClock() *manualClock {
	return &manualClock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
}

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *manualClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
