package watch

import "time"

// maxFiles is the maximum number of paths kept in Snapshot.Files.
const maxFiles = 1000

// Snapshot is a point-in-time copy of the activity a Watcher has counted
// since New. Files that existed when New ran are not counted as created.
type Snapshot struct {
	// Created is the number of files that appeared in the tree. An atomic
	// save onto a path that does not exist yet counts as a creation.
	Created int
	// Modified is the number of counted writes, atomic saves and quick
	// re-creations of removed files.
	Modified int
	// Deleted is the number of known files removed or renamed away.
	Deleted int
	// Files contains the slash-separated paths, relative to the root, of
	// created files: the first 1000 in the order seen, without duplicates.
	Files []string
	// LastEvent is the time of the last counted event, or zero if none.
	LastEvent time.Time
	// Watches is the number of directories watched. It is zero after the
	// fallback to polling.
	Watches int
	// Overflows is the number of event queue overflows seen. Each one
	// triggers a rescan of the tree.
	Overflows int
	// Polling is true after the fallback to polling.
	Polling bool
}

// fileState is the stored inode, size, mtime and counting state of a known
// file.
type fileState struct {
	inode uint64
	size  int64
	mtime time.Time
	// walked is set while the file is known only from a directory walk, so
	// a queued Create event for the same inode is a duplicate of that walk.
	walked bool
	// counted is the time of the last counted creation or modification,
	// which starts the write debounce window.
	counted time.Time
}

// changed reports whether next differs from s in inode, size or mtime.
func (s fileState) changed(next fileState) bool {
	return s.inode != next.inode || s.size != next.size || !s.mtime.Equal(next.mtime)
}

// activity contains the counters behind a Snapshot.
type activity struct {
	created   int
	modified  int
	deleted   int
	files     []string
	listed    map[string]struct{}
	lastEvent time.Time
}

func (a *activity) addFile(rel string) {
	if len(a.files) >= maxFiles {
		return
	}
	if _, ok := a.listed[rel]; ok {
		return
	}
	a.listed[rel] = struct{}{}
	a.files = append(a.files, rel)
}
