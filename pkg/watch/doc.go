// Package watch reports file activity in one agent workspace directory tree.
//
// A Watcher adds an fsnotify watch on every directory of the tree except
// ignored ones, and counts file creations, modifications and deletions.
// Editor and tool temp files are not counted, and an atomic save (a write to
// a temp file renamed onto an existing path) counts as a modification of that
// path. When the kernel refuses more watches, the Watcher falls back to
// scanning the tree at a fixed interval.
package watch
