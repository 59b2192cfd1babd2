package watch

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFSN04NewDirectoryIsWalked(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "root")
	require.NoError(t, os.Mkdir(root, 0o755))
	clock := newManualClock()
	w := startWatcher(t, root, Options{Now: clock.Now})

	// The watch on a/b/c is added after f.go may already exist, so the walk
	// and the Create event can both report it.
	require.NoError(t, os.MkdirAll(filepath.Join(root, "a", "b", "c"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "a", "b", "c", "f.go"), []byte("package c"), 0o644))

	staging := filepath.Join(base, "st")
	require.NoError(t, os.Mkdir(staging, 0o755))
	want := []string{"a/b/c/f.go"}
	for i := 1; i <= 50; i++ {
		name := fmt.Sprintf("%d.go", i)
		writeFile(t, filepath.Join(staging, name), "package pkg")
		want = append(want, "pkg/"+name)
	}
	require.NoError(t, os.Rename(staging, filepath.Join(root, "pkg")))

	waitFor(t, w, "all 51 files listed", func(s Snapshot) bool { return len(s.Files) == 51 })
	snap := w.Snapshot()
	assert.ElementsMatch(t, want, snap.Files)
	assert.Equal(t, 51, snap.Created)
	assert.Equal(t, 0, snap.Modified, "the write that follows the creation of f.go is part of it")
	assert.Equal(t, 5, snap.Watches, "root, a, a/b, a/b/c and pkg")

	clock.Advance(time.Second)
	writeFile(t, filepath.Join(root, "pkg", "7.go"), "package pkg // changed")
	waitFor(t, w, "write to pkg/7.go counted", func(s Snapshot) bool { return s.Modified == 1 })
	assert.Equal(t, 51, w.Snapshot().Created)
}

func TestRenamedAwayDirectoryCountsDeletes(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "root")
	writeFile(t, filepath.Join(root, "lib", "x", "a.go"), "a")
	writeFile(t, filepath.Join(root, "lib", "b.go"), "b")
	clock := newManualClock()
	w := startWatcher(t, root, Options{Now: clock.Now})
	require.Equal(t, 3, w.Snapshot().Watches)

	require.NoError(t, os.Rename(filepath.Join(root, "lib"), filepath.Join(base, "moved")))
	waitFor(t, w, "both files deleted", func(s Snapshot) bool { return s.Deleted == 2 })
	assert.Equal(t, 1, w.Snapshot().Watches)

	// The moved directory keeps no watch, so a write there is not counted.
	writeFile(t, filepath.Join(base, "moved", "b.go"), "changed")
	writeFile(t, filepath.Join(root, "after.go"), "after")
	waitFor(t, w, "after.go counted", func(s Snapshot) bool { return s.Created == 1 })
	assert.Equal(t, 0, w.Snapshot().Modified)
	assert.Equal(t, []string{"after.go"}, w.Snapshot().Files)
}

func TestWalkAndCreateEventCountOnce(t *testing.T) {
	root := t.TempDir()
	clock := newManualClock()
	// Writing f.go between adding the watch on c and reading c makes both
	// the walk and the Create event report it.
	addThenWrite := func(fsw *fsnotify.Watcher, dir string) error {
		if err := fsw.Add(dir); err != nil {
			return err
		}
		if filepath.Base(dir) != "c" {
			return nil
		}
		return os.WriteFile(filepath.Join(dir, "f.go"), []byte("package c"), 0o644)
	}
	w, err := newWatcher(root, Options{Now: clock.Now}, addThenWrite)
	require.NoError(t, err)
	runWatcher(t, w)

	require.NoError(t, os.Mkdir(filepath.Join(root, "c"), 0o755))
	renameInto(t, root, "sentinel.txt")
	waitFor(t, w, "f.go and sentinel.txt counted", func(s Snapshot) bool { return s.Created == 2 })
	assert.Equal(t, 0, w.Snapshot().Modified)

	renameInto(t, filepath.Join(root, "c"), "f.go")
	waitFor(t, w, "atomic save of f.go counted", func(s Snapshot) bool { return s.Modified == 1 })
	assert.Equal(t, []string{"c/f.go", "sentinel.txt"}, w.Snapshot().Files)
}

// renameInto creates dir/name with a single Create event by renaming a temp
// file onto it.
func renameInto(t *testing.T, dir, name string) {
	t.Helper()
	tmp := filepath.Join(dir, name+".tmp")
	writeFile(t, tmp, "content of "+name)
	require.NoError(t, os.Rename(tmp, filepath.Join(dir, name)))
}
