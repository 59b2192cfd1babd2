//go:build !unix

package watch

import "io/fs"

// inodeOf returns 0 because this platform exposes no inode numbers.
//
// NOTE: without inode numbers, a rename onto a file that a directory walk
// found is taken for that walk's duplicate Create event and not counted.
func inodeOf(fs.FileInfo) uint64 {
	return 0
}
