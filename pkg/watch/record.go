package watch

import "time"

// debounceWindow is the time after a counted creation or modification of a
// path during which further Write events on it are part of the same save.
const debounceWindow = 100 * time.Millisecond

// resaveWindow is the time after a known file is removed or renamed away
// during which a new file at the same path counts as a modification. Editors
// such as Vim rename the old file to a backup name and write a new one.
const resaveWindow = time.Second

// maxRemoved is the size of the removal map above which stale entries are
// dropped.
const maxRemoved = 1024

// The record methods update the known-files set and the counters. The caller
// holds w.mu.

// recordAppeared counts a file that is not known yet as created, or as
// modified when a known file was removed from the same path shortly before.
func (w *Watcher) recordAppeared(rel string, state fileState) {
	now := w.cfg.now()
	removedAt, wasRemoved := w.removed[rel]
	delete(w.removed, rel)

	if wasRemoved && now.Sub(removedAt) < resaveWindow {
		if w.activity.deleted > 0 {
			w.activity.deleted--
		}
		w.recordModified(rel, state)
		return
	}

	state.counted = now
	w.known[rel] = state
	w.activity.created++
	w.activity.addFile(rel)
	w.activity.lastEvent = now
}

// recordModified counts a modification of rel and stores its new state.
func (w *Watcher) recordModified(rel string, state fileState) {
	now := w.cfg.now()
	state.counted = now
	w.known[rel] = state
	w.activity.modified++
	w.activity.lastEvent = now
}

// recordWrite counts a Write event on a known file unless it falls into the
// debounce window of the last counted event on that path.
func (w *Watcher) recordWrite(rel string, prev, state fileState) {
	if w.cfg.now().Sub(prev.counted) < debounceWindow {
		state.counted = prev.counted
		w.known[rel] = state
		return
	}
	w.recordModified(rel, state)
}

// recordRemoved counts the removal of rel if it is a known file.
func (w *Watcher) recordRemoved(rel string) {
	if _, ok := w.known[rel]; !ok {
		return
	}
	now := w.cfg.now()
	delete(w.known, rel)
	w.activity.deleted++
	w.activity.lastEvent = now

	if len(w.removed) >= maxRemoved {
		for path, at := range w.removed {
			if now.Sub(at) >= resaveWindow {
				delete(w.removed, path)
			}
		}
	}
	w.removed[rel] = now
}
