package watch

import (
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"syscall"

	"go.uber.org/zap"
)

// The tree methods are called with w.mu held.

// walk adds watches on dir and its non-ignored subdirectories, each before
// its entries are read, and calls visit for every file that is not a temp
// file. Entries that vanish or cannot be read during the walk are skipped.
func (w *Watcher) walk(dir string, visit func(rel string, state fileState)) {
	err := filepath.WalkDir(dir, func(abs string, entry fs.DirEntry, err error) error {
		if err != nil {
			w.cfg.logger.Debug("watch: skip unreadable path", zap.String("path", abs), zap.Error(err))
			if abs == dir {
				return err
			}
			return nil
		}

		rel, ok := w.relPath(abs)
		if !ok {
			return nil
		}
		if entry.IsDir() {
			if abs != dir && w.cfg.ignored(entry.Name()) {
				return filepath.SkipDir
			}
			w.ensureWatch(abs, rel)
			return nil
		}
		if isTempName(entry.Name()) {
			return nil
		}

		info, err := entry.Info()
		if err != nil {
			return nil
		}
		visit(rel, newFileState(info, true))
		return nil
	})
	if err != nil {
		w.cfg.logger.Debug("watch: walk stopped", zap.String("dir", dir), zap.Error(err))
	}
}

func newFileState(info fs.FileInfo, walked bool) fileState {
	return fileState{
		inode:  inodeOf(info),
		size:   info.Size(),
		mtime:  info.ModTime(),
		walked: walked,
	}
}

// recordBaseline stores a file that existed when New ran without counting it.
func (w *Watcher) recordBaseline(rel string, state fileState) {
	w.known[rel] = state
}

// recordWalked counts a file that a walk of a new directory found.
func (w *Watcher) recordWalked(rel string, state fileState) {
	if _, ok := w.known[rel]; ok {
		return
	}
	w.recordAppeared(rel, state)
}

// ensureWatch adds a watch on dir unless it is watched already or the
// Watcher polls. A watch limit error switches to polling.
func (w *Watcher) ensureWatch(dir, rel string) {
	if w.polling {
		return
	}
	if _, ok := w.watched[rel]; ok {
		return
	}

	err := w.addWatch(w.fsw, dir)
	switch {
	case err == nil:
		w.watched[rel] = struct{}{}
	case isWatchLimit(err):
		w.startPolling(dir, err)
	default:
		w.logAddFailure(dir, err)
	}
}

// isWatchLimit reports whether err is the inotify limit on watches (ENOSPC)
// or on open files and inotify instances (EMFILE).
func isWatchLimit(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EMFILE)
}

// startPolling stops adding watches, releases the fsnotify watcher and makes
// Run scan the tree every PollInterval. It logs one warning.
func (w *Watcher) startPolling(dir string, cause error) {
	if w.polling {
		return
	}
	w.polling = true
	clear(w.watched)
	w.cfg.logger.Warn("watch: inotify limit reached; falling back to polling. Raise fs.inotify.max_user_watches or fs.inotify.max_user_instances to watch again",
		zap.String("root", w.root),
		zap.String("dir", dir),
		zap.Duration("poll_interval", w.cfg.pollInterval),
		zap.Error(cause))

	if err := w.closeNotify(); err != nil {
		w.cfg.logger.Warn("watch: release watches before polling", zap.Error(err))
	}
}

// forgetTree counts every known file at or below rel as removed and drops
// the watches on rel and its subdirectories.
func (w *Watcher) forgetTree(rel string) {
	for file := range w.known {
		if isWithin(file, rel) {
			w.recordRemoved(file)
		}
	}
	for dir := range w.watched {
		if !isWithin(dir, rel) {
			continue
		}
		w.unwatch(dir)
	}
}

// unwatch drops the watch on the directory at rel. The kernel drops the
// watch of a deleted directory by itself, but a directory renamed out of the
// tree keeps its watch and would report events under its old path.
func (w *Watcher) unwatch(rel string) {
	delete(w.watched, rel)
	if err := w.fsw.Remove(filepath.Join(w.root, filepath.FromSlash(rel))); err != nil {
		w.cfg.logger.Debug("watch: remove watch", zap.String("dir", rel), zap.Error(err))
	}
}

// relPath returns abs as a slash path relative to the root, or false when
// abs is outside the root.
func (w *Watcher) relPath(abs string) (string, bool) {
	rel, err := filepath.Rel(w.root, abs)
	if err != nil {
		return "", false
	}
	rel = filepath.ToSlash(rel)
	if rel == ".." || strings.HasPrefix(rel, "../") {
		return "", false
	}
	return rel, true
}

// isWithin reports whether the slash path p is dir or below it.
func isWithin(p, dir string) bool {
	if dir == "." {
		return true
	}
	return p == dir || strings.HasPrefix(p, dir+"/")
}
