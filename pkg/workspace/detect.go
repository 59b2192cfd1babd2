package workspace

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
)

// Repository is the git work tree that contains a directory.
type Repository struct {
	// TopLevel is the top-level directory of the work tree.
	TopLevel string
	// CommonDir is the git directory that every work tree of the repository
	// shares; it keys the in-process creation lock.
	CommonDir string
	// Subdir is the directory's path relative to TopLevel, with slashes,
	// or "" for the top level itself.
	Subdir string
}

// Detect finds the git work tree that contains dir. It returns false with
// a nil error when dir is in no work tree, which includes a bare repository
// and the inside of a .git directory. Errors are failures to run git.
func Detect(ctx context.Context, dir string) (Repository, bool, error) {
	inside, err := gitOutput(ctx, dir, "rev-parse", "--is-inside-work-tree")
	if err != nil {
		if strings.Contains(stderrOf(err), "not a git repository") {
			return Repository{}, false, nil
		}
		return Repository{}, false, fmt.Errorf("detect git work tree of %s: %w", dir, err)
	}
	if inside != "true" {
		return Repository{}, false, nil
	}
	out, err := gitOutput(ctx, dir, "rev-parse", "--show-toplevel", "--show-prefix", "--git-common-dir")
	if err != nil {
		return Repository{}, false, fmt.Errorf("read git work tree of %s: %w", dir, err)
	}
	lines := strings.Split(out, "\n")
	if len(lines) != 3 {
		return Repository{}, false, fmt.Errorf("read git work tree of %s: git rev-parse printed %d lines, "+
			"expected 3: %q", dir, len(lines), out)
	}
	return Repository{
		TopLevel:  lines[0],
		Subdir:    strings.TrimSuffix(lines[1], "/"),
		CommonDir: absoluteDir(dir, lines[2]),
	}, true, nil
}

// commonDir returns the git directory shared by the work trees of the
// repository that dir belongs to.
func commonDir(ctx context.Context, dir string) (string, error) {
	out, err := gitOutput(ctx, dir, "rev-parse", "--git-common-dir")
	if err != nil {
		return "", fmt.Errorf("find git directory of %s: %w", dir, err)
	}
	return absoluteDir(dir, out), nil
}

// absoluteDir resolves a path git printed relative to dir, and its
// symbolic links, so that one repository always gives the same lock key.
func absoluteDir(dir, path string) string {
	if !filepath.IsAbs(path) {
		path = filepath.Join(dir, path)
	}
	if resolved, err := filepath.EvalSymlinks(path); err == nil {
		return resolved
	}
	return filepath.Clean(path)
}
