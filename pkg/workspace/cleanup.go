package workspace

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"go.uber.org/zap"
)

// Kinds of entry under a workspace root.
const (
	KindWorktree   = "worktree"
	KindDirectory  = "directory"
	KindRepository = "repository"
	KindOther      = "other"
	// KindInUse is an entry that a running process works in, which is
	// kept whatever it holds.
	KindInUse = "in_use"
)

// Entry is one entry of the workspace root that Cleanup judged.
type Entry struct {
	// Path is the entry's absolute path.
	Path string `json:"path"`
	// Kind is KindWorktree, KindDirectory (a plain directory not under
	// git), KindRepository (a repository of its own), KindInUse or
	// KindOther.
	Kind string `json:"kind"`
	// Branch is the worktree's branch; empty for other kinds.
	Branch string `json:"branch,omitempty"`
	// Reason is the cause for keeping the entry, or the proof that removing
	// it loses no work.
	Reason string `json:"reason"`
}

// Report is the result of Cleanup.
type Report struct {
	// DryRun is true when nothing was removed; Removed then lists what
	// would be.
	DryRun  bool    `json:"dry_run"`
	Removed []Entry `json:"removed"`
	Kept    []Entry `json:"kept"`
}

// CleanupOptions configure Cleanup.
type CleanupOptions struct {
	// DryRun lists the entries without removing any.
	DryRun bool
	// Logger receives a line for each removal. Nil means no logs.
	Logger *zap.Logger
}

// Cleanup judges each entry directly under root, in name order, and removes
// those whose removal loses no work: worktrees with no uncommitted files
// whose commits are all on their base branch (see CheckRemovable), and
// empty plain directories. It keeps everything else, with the reason, and
// so every entry that a running process works in, such as the workspace
// of a running agent. It fails when root cannot be read or ctx ends.
func Cleanup(ctx context.Context, root string, opts CleanupOptions) (Report, error) {
	log := opts.Logger
	if log == nil {
		log = zap.NewNop()
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		return Report{}, fmt.Errorf("read workspace root: %w", err)
	}
	report := Report{DryRun: opts.DryRun, Removed: []Entry{}, Kept: []Entry{}}
	dirs := workingDirs()
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return report, fmt.Errorf("clean up %s: %w", root, err)
		}
		path := filepath.Join(root, e.Name())
		if reason := usedBy(dirs, path); reason != "" {
			report.Kept = append(report.Kept, Entry{Path: path, Kind: KindInUse, Reason: reason})
			continue
		}
		entry, removed := cleanEntry(ctx, path, e, opts.DryRun, log)
		if removed {
			report.Removed = append(report.Removed, entry)
		} else {
			report.Kept = append(report.Kept, entry)
		}
	}
	return report, nil
}

// cleanEntry judges one entry, removes it unless dryRun when that is safe,
// and reports whether it was (or would be) removed.
func cleanEntry(ctx context.Context, path string, e os.DirEntry, dryRun bool, log *zap.Logger) (Entry, bool) {
	if !e.IsDir() {
		return Entry{Path: path, Kind: KindOther, Reason: "not a directory"}, false
	}
	gitInfo, err := os.Lstat(filepath.Join(path, ".git"))
	switch {
	case err == nil && gitInfo.IsDir():
		return Entry{Path: path, Kind: KindRepository,
			Reason: "a git repository of its own, not a worktree: remove it by hand"}, false
	case err == nil:
		return cleanWorktree(ctx, path, dryRun, log)
	case !os.IsNotExist(err):
		return Entry{Path: path, Kind: KindOther, Reason: err.Error()}, false
	}
	return cleanDirectory(path, dryRun, log)
}

func cleanWorktree(ctx context.Context, path string, dryRun bool, log *zap.Logger) (Entry, bool) {
	entry := Entry{Path: path, Kind: KindWorktree}
	wt, err := Open(ctx, path)
	if err != nil {
		entry.Reason = err.Error()
		return entry, false
	}
	entry.Branch = wt.Branch
	if dryRun {
		reason, err := CheckRemovable(ctx, wt)
		switch {
		case err != nil:
			entry.Reason = err.Error()
		case reason != "":
			entry.Reason = reason
		default:
			entry.Reason = safeReason(wt)
		}
		return entry, err == nil && reason == ""
	}
	removed, reason, err := Remove(ctx, wt, log)
	switch {
	case err != nil:
		entry.Reason = err.Error()
	case removed && reason != "":
		entry.Reason = safeReason(wt) + "; " + reason
	case removed:
		entry.Reason = safeReason(wt)
	default:
		entry.Reason = reason
	}
	return entry, removed
}

// safeReason returns why removing a worktree loses no work.
func safeReason(wt Worktree) string {
	if wt.BaseBranch == "" {
		return "no uncommitted files and no commits beyond base commit " + short(wt.Base)
	}
	return "no uncommitted files and every commit is on " + wt.BaseBranch
}

// cleanDirectory removes a plain directory when it is empty.
func cleanDirectory(path string, dryRun bool, log *zap.Logger) (Entry, bool) {
	entry := Entry{Path: path, Kind: KindDirectory}
	children, err := os.ReadDir(path)
	switch {
	case err != nil:
		entry.Reason = err.Error()
		return entry, false
	case len(children) > 0:
		entry.Reason = fmt.Sprintf("plain directory with %s, not under git: remove it by hand "+
			"when its files are no longer needed", count(len(children), "entry", "entries"))
		return entry, false
	}
	entry.Reason = "empty directory"
	if dryRun {
		return entry, true
	}
	// os.Remove fails on a directory that gained a file since it was read.
	if err := os.Remove(path); err != nil {
		entry.Reason = fmt.Sprintf("empty when read, but removal failed: %v", err)
		return entry, false
	}
	log.Info("removed empty workspace directory", zap.String("path", path))
	return entry, true
}
