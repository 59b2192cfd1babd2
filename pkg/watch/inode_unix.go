//go:build unix

package watch

import (
	"io/fs"
	"syscall"
)

// inodeOf returns the inode number of info, or 0 when the platform data is
// missing.
func inodeOf(info fs.FileInfo) uint64 {
	stat, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return 0
	}
	return uint64(stat.Ino)
}
