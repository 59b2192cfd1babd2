package watch

import (
	"os"
	"path"

	"github.com/fsnotify/fsnotify"
)

// handleEvent updates the counters for one fsnotify event.
func (w *Watcher) handleEvent(ev fsnotify.Event) {
	w.mu.Lock()
	defer w.mu.Unlock()

	if w.polling {
		return
	}
	rel, ok := w.relPath(ev.Name)
	if !ok {
		return
	}

	if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
		w.onRemove(rel)
	}
	if ev.Has(fsnotify.Create) {
		w.onCreate(ev.Name, rel)
	}
	if ev.Has(fsnotify.Write) {
		w.onWrite(ev.Name, rel)
	}
}

// onCreate handles a new path, which inotify also reports for a rename into
// a watched directory.
func (w *Watcher) onCreate(abs, rel string) {
	info, err := os.Lstat(abs)
	if err != nil {
		// The path is gone already, and its Remove event follows.
		return
	}
	base := path.Base(rel)
	if info.IsDir() {
		if w.cfg.ignored(base) {
			return
		}
		if _, ok := w.watched[rel]; ok {
			return
		}
		w.walk(abs, w.recordWalked)
		return
	}
	if isTempName(base) {
		return
	}

	state := newFileState(info, false)
	prev, known := w.known[rel]
	switch {
	case !known:
		w.recordAppeared(rel, state)
	case prev.walked && prev.inode == state.inode:
		// A walk found this file before its queued Create event arrived.
		state.counted = prev.counted
		w.known[rel] = state
	default:
		// A rename onto an existing path: an atomic save.
		w.recordModified(rel, state)
	}
}

// onWrite handles a Write event.
func (w *Watcher) onWrite(abs, rel string) {
	if isTempName(path.Base(rel)) {
		return
	}
	info, err := os.Lstat(abs)
	if err != nil || info.IsDir() {
		return
	}

	state := newFileState(info, false)
	prev, known := w.known[rel]
	if !known {
		// The Create event was missed, for example because the file was
		// renamed in and out of a temp name before its event was handled.
		w.recordAppeared(rel, state)
		return
	}
	state.walked = prev.walked
	w.recordWrite(rel, prev, state)
}

// onRemove handles a removal or a rename away from rel.
func (w *Watcher) onRemove(rel string) {
	if _, ok := w.known[rel]; ok {
		w.recordRemoved(rel)
		return
	}
	if _, ok := w.watched[rel]; ok {
		w.forgetTree(rel)
	}
}
