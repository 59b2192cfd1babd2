package watch

import (
	"os"
	"path/filepath"
)

// reconcile walks the whole tree and compares it with the known files: new
// files count as created, files whose inode, size or mtime changed count as
// modified, and known files that are gone count as deleted. While watching,
// it also adds watches on directories that a lost event left unwatched and
// drops the watches of directories that are gone.
func (w *Watcher) reconcile() {
	w.mu.Lock()
	defer w.mu.Unlock()

	seen := make(map[string]struct{}, len(w.known))
	w.walk(w.root, func(rel string, state fileState) {
		seen[rel] = struct{}{}
		prev, known := w.known[rel]
		switch {
		case !known:
			w.recordAppeared(rel, state)
		case prev.changed(state):
			w.recordModified(rel, state)
		}
	})

	for rel := range w.known {
		if _, ok := seen[rel]; !ok {
			w.recordRemoved(rel)
		}
	}
	w.pruneWatches()
}

// pruneWatches drops the watches of directories that no longer exist.
func (w *Watcher) pruneWatches() {
	for dir := range w.watched {
		abs := filepath.Join(w.root, filepath.FromSlash(dir))
		if info, err := os.Lstat(abs); err == nil && info.IsDir() {
			continue
		}
		w.unwatch(dir)
	}
}
