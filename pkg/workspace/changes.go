package workspace

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

// Changes are the files a worktree changed, as paths relative to its top
// level.
type Changes struct {
	// Uncommitted are the files that are modified, added, deleted, renamed
	// or untracked and not yet committed. Ignored files are not listed.
	Uncommitted []string
	// Committed are the files that commits on HEAD changed since it left
	// the base commit.
	Committed []string
}

// Files returns the uncommitted and committed files, sorted, each once.
func (c Changes) Files() []string {
	seen := make(map[string]bool, len(c.Uncommitted)+len(c.Committed))
	files := make([]string, 0, len(c.Uncommitted)+len(c.Committed))
	for _, list := range [][]string{c.Uncommitted, c.Committed} {
		for _, f := range list {
			if !seen[f] {
				seen[f] = true
				files = append(files, f)
			}
		}
	}
	sort.Strings(files)
	return files
}

// ListChanges returns the files the worktree changed: its uncommitted files
// and the files changed by commits since wt.Base.
func ListChanges(ctx context.Context, wt Worktree) (Changes, error) {
	uncommitted, err := uncommittedFiles(ctx, wt.Path)
	if err != nil {
		return Changes{}, err
	}
	out, err := runGit(ctx, wt.Path, "diff", "--name-only", "-z", wt.Base+"...HEAD")
	if err != nil {
		return Changes{}, fmt.Errorf("list files committed in %s since %s: %w", wt.Path, wt.Base, err)
	}
	return Changes{Uncommitted: uncommitted, Committed: splitNUL(out)}, nil
}

// uncommittedFiles lists the files git status reports in dir, untracked
// files one by one.
func uncommittedFiles(ctx context.Context, dir string) ([]string, error) {
	out, err := runGit(ctx, dir, "status", "--porcelain=v1", "-z", "--untracked-files=all")
	if err != nil {
		return nil, fmt.Errorf("list uncommitted files in %s: %w", dir, err)
	}
	return parseStatus(out), nil
}

// parseStatus reads `git status --porcelain=v1 -z`: each entry is two
// status letters, a space and a path, ended by NUL. A rename or copy entry
// is followed by its source path, which is skipped.
func parseStatus(out string) []string {
	fields := strings.Split(out, "\x00")
	var files []string
	for i := 0; i < len(fields); i++ {
		entry := fields[i]
		if len(entry) < 4 {
			continue
		}
		files = append(files, entry[3:])
		if strings.ContainsAny(entry[:2], "RC") {
			i++
		}
	}
	return files
}

func splitNUL(out string) []string {
	var parts []string
	for _, p := range strings.Split(out, "\x00") {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return parts
}
