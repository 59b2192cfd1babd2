package watch

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fsnotify/fsnotify"
	"go.uber.org/zap"
)

// addWatchFunc adds a watch on one directory. Tests replace it to simulate
// inotify limits.
type addWatchFunc func(fsw *fsnotify.Watcher, dir string) error

func addFsnotifyWatch(fsw *fsnotify.Watcher, dir string) error {
	return fsw.Add(dir)
}

// Watcher counts file activity in one directory tree. Create it with New,
// run its event loop with Run and release it with Close.
type Watcher struct {
	root     string
	cfg      config
	addWatch addWatchFunc

	// fsw is nil when the fsnotify watcher could not be created.
	fsw *fsnotify.Watcher

	// rescan is signalled by the error drain after a queue overflow.
	rescan    chan struct{}
	overflows atomic.Int64

	running   atomic.Bool
	done      chan struct{}
	closeOnce sync.Once

	// mu guards the fields below.
	mu sync.Mutex
	// known maps the relative slash path of every known file to its state.
	known map[string]fileState
	// watched contains the relative slash paths of watched directories.
	watched map[string]struct{}
	// removed maps recently removed known files to their removal time.
	removed  map[string]time.Time
	activity activity
	polling  bool
}

// New starts watching root and all its subdirectories whose base names are
// not in opts.Ignore. Files that already exist are known but not counted.
// The kernel queues events until Run handles them.
func New(root string, opts Options) (*Watcher, error) {
	return newWatcher(root, opts, addFsnotifyWatch)
}

func newWatcher(root string, opts Options, addWatch addWatchFunc) (*Watcher, error) {
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	absRoot, err := checkRoot(root)
	if err != nil {
		return nil, err
	}

	w := &Watcher{
		root:     absRoot,
		cfg:      cfg,
		addWatch: addWatch,
		rescan:   make(chan struct{}, 1),
		done:     make(chan struct{}),
		known:    make(map[string]fileState),
		watched:  make(map[string]struct{}),
		removed:  make(map[string]time.Time),
		activity: activity{listed: make(map[string]struct{})},
	}

	w.fsw, err = fsnotify.NewWatcher()
	if err != nil && !isWatchLimit(err) {
		return nil, fmt.Errorf("watch: create fsnotify watcher for %s: %w", absRoot, err)
	}

	w.mu.Lock()
	defer w.mu.Unlock()
	if err != nil {
		w.startPolling(absRoot, err)
	}
	if err := w.watchRoot(); err != nil {
		return nil, errors.Join(err, w.closeNotify())
	}
	w.walk(absRoot, w.recordBaseline)
	return w, nil
}

func checkRoot(root string) (string, error) {
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return "", fmt.Errorf("watch: resolve root %q: %w", root, err)
	}
	info, err := os.Stat(absRoot)
	if err != nil {
		return "", fmt.Errorf("watch: root %q: %w; pass an existing directory", root, err)
	}
	if !info.IsDir() {
		return "", fmt.Errorf("watch: root %q is not a directory; pass the workspace directory", root)
	}
	return absRoot, nil
}

// watchRoot adds the watch on the root. Unlike a subdirectory, a root that
// cannot be watched for a reason other than a watch limit fails New.
func (w *Watcher) watchRoot() error {
	if w.polling {
		return nil
	}
	err := w.addWatch(w.fsw, w.root)
	switch {
	case err == nil:
		w.watched["."] = struct{}{}
		return nil
	case isWatchLimit(err):
		w.startPolling(w.root, err)
		return nil
	default:
		return fmt.Errorf("watch: add watch on root %s: %w; check that the directory is readable", w.root, err)
	}
}

// Snapshot returns a copy of the activity counted so far. It is safe for
// concurrent use.
func (w *Watcher) Snapshot() Snapshot {
	w.mu.Lock()
	defer w.mu.Unlock()

	return Snapshot{
		Created:   max(w.activity.created, 0),
		Modified:  max(w.activity.modified, 0),
		Deleted:   max(w.activity.deleted, 0),
		Files:     append([]string(nil), w.activity.files...),
		LastEvent: w.activity.lastEvent,
		Watches:   len(w.watched),
		Overflows: int(max(w.overflows.Load(), 0)),
		Polling:   w.polling,
	}
}

// Close releases the watches and makes Run return nil. It does not wait for
// Run to return. Calls after the first return nil.
func (w *Watcher) Close() error {
	var err error
	w.closeOnce.Do(func() {
		close(w.done)
		err = w.closeNotify()
	})
	return err
}

func (w *Watcher) closeNotify() error {
	if w.fsw == nil {
		return nil
	}
	if err := w.fsw.Close(); err != nil {
		return fmt.Errorf("watch: close fsnotify watcher for %s: %w", w.root, err)
	}
	return nil
}

func (w *Watcher) isClosed() bool {
	select {
	case <-w.done:
		return true
	default:
		return false
	}
}

// logAddFailure logs a failed watch on a directory other than the root.
func (w *Watcher) logAddFailure(dir string, err error) {
	if errors.Is(err, os.ErrNotExist) || errors.Is(err, fsnotify.ErrClosed) {
		w.cfg.logger.Debug("watch: directory not watched", zap.String("dir", dir), zap.Error(err))
		return
	}
	w.cfg.logger.Warn("watch: add watch failed; changes in this directory are seen only after a queue overflow rescan",
		zap.String("dir", dir), zap.Error(err))
}
