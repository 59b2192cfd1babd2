package watch

import (
	"path"
	"regexp"
	"slices"
	"strings"
)

// claudeTempName matches the temp file that the Write tool of Claude Code
// 2.1.197 creates as <name>.tmp.<pid>.<hex> before renaming it to <name>.
var claudeTempName = regexp.MustCompile(`\.tmp\.[0-9]+\.[0-9a-fA-F]+$`)

// isTempName reports whether a file base name belongs to an editor or tool
// temp or backup file. Such files are never counted.
func isTempName(base string) bool {
	switch {
	case base == "4913":
		// Vim creates and removes this file to check that it may write
		// into the directory.
		return true
	case strings.HasSuffix(base, ".tmp"), strings.HasSuffix(base, "~"):
		return true
	case strings.HasPrefix(base, ".") && (strings.HasSuffix(base, ".swp") || strings.HasSuffix(base, ".swx")):
		// Vim swap files.
		return true
	default:
		return claudeTempName.MatchString(base)
	}
}

// Counts reports whether a Watcher made with o counts an event on rel, a
// slash-separated path relative to its root: no directory on the path is
// ignored, and the base name is no temp or backup name.
func (o Options) Counts(rel string) bool {
	names := o.Ignore
	if names == nil {
		names = DefaultIgnore
	}
	parts := strings.Split(path.Clean(rel), "/")
	for _, dir := range parts[:len(parts)-1] {
		if slices.Contains(names, dir) {
			return false
		}
	}
	return !isTempName(parts[len(parts)-1])
}
