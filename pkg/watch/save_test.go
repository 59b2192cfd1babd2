package watch

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFSN05AtomicSaveCountsAsModify(t *testing.T) {
	t.Run("editor temp file", func(t *testing.T) {
		root := t.TempDir()
		w := startWatcher(t, root, Options{})

		writeFile(t, filepath.Join(root, "main.go~"), "backup")
		writeFile(t, filepath.Join(root, ".main.go.swp"), "swap")
		writeFile(t, filepath.Join(root, ".main.go.swx"), "swap")
		writeFile(t, filepath.Join(root, "4913"), "")
		require.NoError(t, os.Remove(filepath.Join(root, "4913")))

		// The first save creates main.go, so 20 saves are 1 creation and 19
		// modifications.
		tmp := filepath.Join(root, ".main.go.tmp")
		for i := range 20 {
			writeFile(t, tmp, "package main // save "+string(rune('a'+i)))
			require.NoError(t, os.Rename(tmp, filepath.Join(root, "main.go")))
		}

		waitFor(t, w, "19 atomic saves counted as modifications", func(s Snapshot) bool { return s.Modified == 19 })
		snap := w.Snapshot()
		assert.Equal(t, 1, snap.Created)
		assert.Equal(t, []string{"main.go"}, snap.Files)
		assert.Equal(t, 0, snap.Deleted)
	})

	t.Run("claude write tool", func(t *testing.T) {
		root := t.TempDir()
		w := startWatcher(t, root, Options{})

		claudeWrite(t, root, "hello.txt", "hello", "1234.abcdef")
		waitFor(t, w, "first write creates hello.txt", func(s Snapshot) bool { return s.Created == 1 })

		claudeWrite(t, root, "hello.txt", "hello again", "1234.0badf00d")
		waitFor(t, w, "second write modifies hello.txt", func(s Snapshot) bool { return s.Modified == 1 })

		snap := w.Snapshot()
		assert.Equal(t, 1, snap.Created)
		assert.Equal(t, []string{"hello.txt"}, snap.Files)
		assert.Equal(t, 0, snap.Deleted)
	})
}

// claudeWrite saves a file the way the Write tool of Claude Code 2.1.197
// does: an exclusive create of <name>.tmp.<pid>.<hex>, then a rename.
func claudeWrite(t *testing.T, dir, name, content, suffix string) {
	t.Helper()
	tmp := filepath.Join(dir, name+".tmp."+suffix)
	file, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	require.NoError(t, err)
	_, err = file.WriteString(content)
	require.NoError(t, err)
	require.NoError(t, file.Close())
	require.NoError(t, os.Rename(tmp, filepath.Join(dir, name)))
}

func TestWritesDebounced(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "f.txt"), "v0")
	clock := newManualClock()
	w := startWatcher(t, root, Options{Now: clock.Now})

	for _, content := range []string{"v1", "v22", "v333", "v4444", "v55555"} {
		writeFile(t, filepath.Join(root, "f.txt"), content)
	}
	// A rename creates sentinel.txt with a single event, so no Write event
	// of it can be handled after the clock moves.
	renameInto(t, root, "sentinel.txt")
	waitFor(t, w, "sentinel.txt counted", func(s Snapshot) bool { return s.Created == 1 })
	assert.Equal(t, 1, w.Snapshot().Modified, "writes within 100 ms count once")

	clock.Advance(debounceWindow)
	writeFile(t, filepath.Join(root, "f.txt"), "v6")
	waitFor(t, w, "write after the window counted", func(s Snapshot) bool { return s.Modified == 2 })
	assert.Equal(t, clock.Now(), w.Snapshot().LastEvent)
}

func TestRemovalsCountKnownFiles(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "a.go"), "a")
	writeFile(t, filepath.Join(root, "x.tmp"), "temp")
	for _, name := range []string{"d/1.go", "d/2.go", "d/e/3.go"} {
		writeFile(t, filepath.Join(root, filepath.FromSlash(name)), "d")
	}
	w := startWatcher(t, root, Options{})
	require.Equal(t, 3, w.Snapshot().Watches)

	require.NoError(t, os.Remove(filepath.Join(root, "a.go")))
	require.NoError(t, os.Remove(filepath.Join(root, "x.tmp")))
	waitFor(t, w, "a.go deleted", func(s Snapshot) bool { return s.Deleted == 1 })

	require.NoError(t, os.RemoveAll(filepath.Join(root, "d")))
	waitFor(t, w, "files of d deleted", func(s Snapshot) bool { return s.Deleted == 4 })
	waitFor(t, w, "watches of d dropped", func(s Snapshot) bool { return s.Watches == 1 })

	snap := w.Snapshot()
	assert.Equal(t, 0, snap.Created)
	assert.Equal(t, 0, snap.Modified)
	assert.Empty(t, snap.Files)
}

func TestRenameToBackupThenRewriteCountsAsModify(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "main.go"), "v1")
	clock := newManualClock()
	w := startWatcher(t, root, Options{Now: clock.Now})

	// Vim with backupcopy=no renames the file to its backup name and writes
	// a new file.
	require.NoError(t, os.Rename(filepath.Join(root, "main.go"), filepath.Join(root, "main.go~")))
	writeFile(t, filepath.Join(root, "main.go"), "v2")
	waitFor(t, w, "rewrite counted as modification", func(s Snapshot) bool { return s.Modified == 1 })

	snap := w.Snapshot()
	assert.Equal(t, 0, snap.Deleted)
	assert.Equal(t, 0, snap.Created)
	assert.Empty(t, snap.Files)
}

func TestRecreateAfterWindowCountsAsCreate(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "main.go"), "v1")
	clock := newManualClock()
	w := startWatcher(t, root, Options{Now: clock.Now})

	require.NoError(t, os.Remove(filepath.Join(root, "main.go")))
	waitFor(t, w, "main.go deleted", func(s Snapshot) bool { return s.Deleted == 1 })

	clock.Advance(resaveWindow + time.Millisecond)
	writeFile(t, filepath.Join(root, "main.go"), "v2")
	waitFor(t, w, "main.go created again", func(s Snapshot) bool { return s.Created == 1 })

	snap := w.Snapshot()
	assert.Equal(t, 1, snap.Deleted)
	assert.Equal(t, 0, snap.Modified)
	assert.Equal(t, []string{"main.go"}, snap.Files)
}
