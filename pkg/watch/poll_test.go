package watch

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

const pollingWarning = "watch: inotify limit reached; falling back to polling. Raise fs.inotify.max_user_watches or fs.inotify.max_user_instances to watch again"

// failingAdd returns an addWatchFunc that fails with errno for directories
// named failName and adds a real watch otherwise.
func failingAdd(failName string, errno syscall.Errno) addWatchFunc {
	return func(fsw *fsnotify.Watcher, dir string) error {
		if failName == "" || filepath.Base(dir) == failName {
			return errno
		}
		return fsw.Add(dir)
	}
}

func TestFSN01WatchLimitFallsBackToPolling(t *testing.T) {
	for _, errno := range []syscall.Errno{syscall.ENOSPC, syscall.EMFILE} {
		t.Run(errno.Error(), func(t *testing.T) {
			root := t.TempDir()
			writeFile(t, filepath.Join(root, "old.go"), "old")
			core, logs := observer.New(zapcore.WarnLevel)
			opts := Options{PollInterval: 20 * time.Millisecond, Logger: zap.New(core)}
			w, err := newWatcher(root, opts, failingAdd("deep", errno))
			require.NoError(t, err)
			runWatcher(t, w)
			require.False(t, w.Snapshot().Polling)

			writeFile(t, filepath.Join(root, "deep", "inner.go"), "inner")
			waitFor(t, w, "polling started", func(s Snapshot) bool { return s.Polling })
			waitFor(t, w, "deep/inner.go counted", func(s Snapshot) bool { return s.Created == 1 })

			writeFile(t, filepath.Join(root, "deep2", "more.go"), "more")
			writeFile(t, filepath.Join(root, "top.go"), "top")
			waitFor(t, w, "files created while polling counted", func(s Snapshot) bool { return s.Created == 3 })

			writeFile(t, filepath.Join(root, "old.go"), "old, now longer")
			waitFor(t, w, "old.go modified", func(s Snapshot) bool { return s.Modified == 1 })

			require.NoError(t, os.Remove(filepath.Join(root, "top.go")))
			waitFor(t, w, "top.go deleted", func(s Snapshot) bool { return s.Deleted == 1 })

			snap := w.Snapshot()
			assert.ElementsMatch(t, []string{"deep/inner.go", "deep2/more.go", "top.go"}, snap.Files)
			assert.Equal(t, 0, snap.Watches)
			assert.Equal(t, 1, logs.FilterMessage(pollingWarning).Len())
		})
	}
}

func TestWatchLimitOnRootPollsFromStart(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "old.go"), "old")
	w, err := newWatcher(root, Options{PollInterval: 20 * time.Millisecond}, failingAdd("", syscall.ENOSPC))
	require.NoError(t, err)

	snap := w.Snapshot()
	assert.True(t, snap.Polling)
	assert.Equal(t, 0, snap.Watches)

	runWatcher(t, w)
	writeFile(t, filepath.Join(root, "node_modules", "ignored.js"), "ignored")
	writeFile(t, filepath.Join(root, "x.tmp"), "temp")
	writeFile(t, filepath.Join(root, "new.go"), "new")
	waitFor(t, w, "new.go counted", func(s Snapshot) bool { return s.Created == 1 })
	assert.Equal(t, []string{"new.go"}, w.Snapshot().Files)
}

func TestRootWatchFailureFailsNew(t *testing.T) {
	_, err := newWatcher(t.TempDir(), Options{}, failingAdd("", syscall.EACCES))
	require.ErrorIs(t, err, syscall.EACCES)
}
