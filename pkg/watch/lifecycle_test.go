package watch

import (
	"context"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCloseStopsRunAndGoroutines(t *testing.T) {
	root := t.TempDir()
	before := runtime.NumGoroutine()

	w, err := New(root, Options{})
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { done <- w.Run(context.Background()) }()

	writeFile(t, filepath.Join(root, "a.go"), "a")
	waitFor(t, w, "a.go counted", func(s Snapshot) bool { return s.Created == 1 })

	require.NoError(t, w.Close())
	require.NoError(t, w.Close(), "Close is idempotent")
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(waitTimeout):
		t.Fatal("Run did not return after Close")
	}
	require.NoError(t, w.Run(context.Background()), "Run after Close returns at once")

	assert.LessOrEqual(t, waitGoroutines(before), before, "goroutines left after Close")
}

// waitGoroutines waits up to waitTimeout for the number of goroutines to
// drop to limit and returns the last count. It polls in the test goroutine
// because require.Eventually runs its condition in an extra goroutine.
func waitGoroutines(limit int) int {
	deadline := time.Now().Add(waitTimeout)
	for {
		count := runtime.NumGoroutine()
		if count <= limit || time.Now().After(deadline) {
			return count
		}
		time.Sleep(waitTick)
	}
}

func TestRunReturnsContextError(t *testing.T) {
	w, err := New(t.TempDir(), Options{})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, w.Close()) })

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	require.ErrorIs(t, w.Run(ctx), context.Canceled)
}

func TestRunRejectsSecondCall(t *testing.T) {
	w := startWatcher(t, t.TempDir(), Options{})
	require.Eventually(t, func() bool { return w.running.Load() }, waitTimeout, waitTick)

	require.Error(t, w.Run(context.Background()))
}

func TestNewRejectsInvalidInput(t *testing.T) {
	root := t.TempDir()
	file := filepath.Join(root, "file.txt")
	writeFile(t, file, "x")

	cases := map[string]struct {
		root string
		opts Options
	}{
		"missing root":          {root: filepath.Join(root, "missing"), opts: Options{}},
		"root is a file":        {root: file, opts: Options{}},
		"negative PollInterval": {root: root, opts: Options{PollInterval: -time.Second}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			w, err := New(tc.root, tc.opts)
			require.Error(t, err)
			assert.Nil(t, w)
		})
	}
}

func TestIsTempName(t *testing.T) {
	cases := map[string]bool{
		"main.go":                   false,
		"hello.txt":                 false,
		"notes.tmpl":                false,
		"4913.go":                   false,
		"swp":                       false,
		"main.swp":                  false,
		"main.go.tmp":               true,
		".main.go.tmp":              true,
		"hello.txt.tmp.1234.abcdef": true,
		"hello.txt.tmp.99.0BADF00D": true,
		"main.go~":                  true,
		".main.go.swp":              true,
		".main.go.swx":              true,
		"4913":                      true,
	}
	for name, want := range cases {
		assert.Equal(t, want, isTempName(name), name)
	}
}
