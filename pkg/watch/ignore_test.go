package watch

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFSN02IgnoredDirsNotWatched(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, ".git", "objects", "ab", "cdef"), "blob")
	writeFile(t, filepath.Join(root, "src", "main.go"), "package main")
	// A frozen clock keeps the Write events that follow each creation inside
	// the debounce window however slowly they are handled.
	clock := newManualClock()
	w := startWatcher(t, root, Options{Now: clock.Now})

	before := w.Snapshot()
	assert.Equal(t, 2, before.Watches, "root and src are watched, .git is not")

	modules := filepath.Join(root, "node_modules")
	require.NoError(t, os.Mkdir(modules, 0o755))
	for i := 1; i <= 3000; i++ {
		pkg := filepath.Join(modules, fmt.Sprintf("p%d", i))
		require.NoError(t, os.Mkdir(pkg, 0o755))
		require.NoError(t, os.Mkdir(filepath.Join(pkg, "lib"), 0o755))
	}
	writeFile(t, filepath.Join(root, "node_modules", "p1", "lib", "index.js"), "module.exports = 1")
	writeFile(t, filepath.Join(root, "src", "vendor", "x", "y.go"), "package x")
	writeFile(t, filepath.Join(root, "src", "__pycache__", "a.pyc"), "pyc")
	writeFile(t, filepath.Join(root, "build"), "a file named like an ignored directory")

	// Events arrive in order, so once after.txt is counted every earlier
	// event has been handled.
	writeFile(t, filepath.Join(root, "after.txt"), "done")
	waitFor(t, w, "after.txt counted", func(s Snapshot) bool {
		return assert.ObjectsAreEqual([]string{"build", "after.txt"}, s.Files)
	})

	snap := w.Snapshot()
	assert.Equal(t, 2, snap.Watches)
	assert.Equal(t, 2, snap.Created)
	assert.Equal(t, 0, snap.Modified)
	assert.False(t, snap.Polling)
}

func TestIgnoreOptionReplacesDefault(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "node_modules", "a.js"), "a")
	writeFile(t, filepath.Join(root, "skip", "b.go"), "b")

	w, err := New(root, Options{Ignore: []string{"skip"}})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, w.Close()) })

	assert.Equal(t, 2, w.Snapshot().Watches, "root and node_modules are watched, skip is not")
}
