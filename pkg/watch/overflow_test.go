package watch

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFSN03OverflowTriggersRescan fills the inotify queue while Run is not reading
// it. The queue limit is fs.inotify.max_queued_events, so the test writes
// more events than that.
func TestFSN03OverflowTriggersRescan(t *testing.T) {
	root := t.TempDir()
	limit := readQueueLimit(t)
	left := createEmpty(t, filepath.Join(root, "left.log"))
	right := createEmpty(t, filepath.Join(root, "right.log"))

	w, err := New(root, Options{})
	require.NoError(t, err)

	// Alternating files keeps inotify from merging the Write events.
	for i := 0; i < limit+4096; i++ {
		file := left
		if i%2 == 1 {
			file = right
		}
		_, err := file.WriteString("x")
		require.NoError(t, err)
	}
	want := make([]string, 0, 10)
	for i := range 10 {
		name := fmt.Sprintf("lost%d.go", i)
		require.NoError(t, createEmpty(t, filepath.Join(root, name)).Close())
		want = append(want, name)
	}

	runWatcher(t, w)
	waitFor(t, w, "files whose events were dropped are counted", func(s Snapshot) bool { return s.Created == 10 })
	snap := w.Snapshot()
	assert.Equal(t, 1, snap.Overflows)
	assert.ElementsMatch(t, want, snap.Files)
	assert.Equal(t, 0, snap.Deleted)
}

func readQueueLimit(t *testing.T) int {
	t.Helper()
	raw, err := os.ReadFile("/proc/sys/fs/inotify/max_queued_events")
	if err != nil {
		t.Skipf("inotify queue limit unknown: %v", err)
	}
	var limit int
	_, err = fmt.Sscan(string(raw), &limit)
	require.NoError(t, err)
	if limit > 100_000 {
		t.Skipf("fs.inotify.max_queued_events is %d; overflowing it would make this test slow", limit)
	}
	return limit
}

func createEmpty(t *testing.T, path string) *os.File {
	t.Helper()
	file, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	require.NoError(t, err)
	t.Cleanup(func() { _ = file.Close() })
	return file
}

func TestFilesListCapped(t *testing.T) {
	root := t.TempDir()
	clock := newManualClock()
	w := startWatcher(t, root, Options{Now: clock.Now})

	for i := range maxFiles + 20 {
		writeFile(t, filepath.Join(root, fmt.Sprintf("f%04d.txt", i)), "x")
	}
	waitFor(t, w, "all files counted", func(s Snapshot) bool { return s.Created == maxFiles+20 })

	snap := w.Snapshot()
	assert.Len(t, snap.Files, maxFiles)
	assert.Equal(t, "f0000.txt", snap.Files[0])
	assert.Equal(t, "f0999.txt", snap.Files[maxFiles-1])
}
