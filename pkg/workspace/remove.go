package workspace

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"go.uber.org/zap"
)

// Open reads the worktree whose top level is path: its branch, the base
// the branch started from, and the repository it belongs to. It fails for
// a worktree whose HEAD is detached or whose branch has no recorded base,
// because then it cannot tell which commits would be lost.
func Open(ctx context.Context, path string) (Worktree, error) {
	if _, err := commonDir(ctx, path); err != nil {
		return Worktree{}, fmt.Errorf("git cannot open worktree %s; its repository may have been moved "+
			"or deleted (git worktree repair fixes a move): %w", path, err)
	}
	branch, err := gitOutput(ctx, path, "symbolic-ref", "--quiet", "--short", "HEAD")
	if err != nil {
		return Worktree{}, fmt.Errorf("HEAD of worktree %s is not on a branch, so its commits cannot be "+
			"checked: check out its branch or remove it by hand: %w", path, err)
	}
	wt := Worktree{Path: path, Branch: branch}
	wt.Base, err = gitOutput(ctx, path, "config", "--get", "branch."+branch+"."+configBase)
	if err != nil || wt.Base == "" {
		return Worktree{}, fmt.Errorf("branch %s of worktree %s has no recorded base commit: axiom-mcp did "+
			"not create the branch, or the worktree was switched to it; remove the worktree by hand", branch, path)
	}
	// A missing key makes git config exit 1, which leaves BaseBranch empty.
	wt.BaseBranch, _ = gitOutput(ctx, path, "config", "--get", "branch."+branch+"."+configBaseBranch)
	if wt.Repository, err = mainWorktree(ctx, path); err != nil {
		return Worktree{}, err
	}
	return wt, nil
}

// mainWorktree returns the main work tree of the repository that dir
// belongs to: the first entry of git worktree list.
func mainWorktree(ctx context.Context, dir string) (string, error) {
	out, err := gitOutput(ctx, dir, "worktree", "list", "--porcelain")
	if err != nil {
		return "", fmt.Errorf("list worktrees of %s: %w", dir, err)
	}
	first, _, _ := strings.Cut(out, "\n")
	main, ok := strings.CutPrefix(first, "worktree ")
	if !ok {
		return "", fmt.Errorf("list worktrees of %s: unexpected first line %q", dir, first)
	}
	return main, nil
}

// CheckRemovable returns why removing the worktree would lose work, or ""
// when it would not. Work is uncommitted files (ignored files excepted)
// and commits on HEAD that are not on the base branch, or, when the
// worktree was created from a detached HEAD, not on the base commit.
func CheckRemovable(ctx context.Context, wt Worktree) (string, error) {
	uncommitted, err := uncommittedFiles(ctx, wt.Path)
	if err != nil {
		return "", err
	}
	var reasons []string
	if n := len(uncommitted); n > 0 {
		reasons = append(reasons, count(n, "uncommitted file", "uncommitted files"))
	}
	unmerged, err := unmergedCommits(ctx, wt)
	if err != nil {
		return "", err
	}
	if unmerged != "" {
		reasons = append(reasons, unmerged)
	}
	return strings.Join(reasons, ", "), nil
}

// unmergedCommits describes the commits on the worktree's HEAD that are
// missing from its base, or returns "" when there are none.
func unmergedCommits(ctx context.Context, wt Worktree) (string, error) {
	target, label := wt.Base, "beyond base commit "+short(wt.Base)
	if wt.BaseBranch != "" {
		target, label = "refs/heads/"+wt.BaseBranch, "not merged into "+wt.BaseBranch
		if _, err := gitOutput(ctx, wt.Path, "rev-parse", "--verify", "--quiet", target); err != nil {
			return fmt.Sprintf("base branch %s no longer exists", wt.BaseBranch), nil
		}
	}
	out, err := gitOutput(ctx, wt.Path, "rev-list", "--count", target+"..HEAD")
	if err != nil {
		return "", fmt.Errorf("count commits of %s %s: %w", wt.Path, label, err)
	}
	n, err := strconv.Atoi(out)
	if err != nil {
		return "", fmt.Errorf("count commits of %s: git rev-list printed %q, expected a number", wt.Path, out)
	}
	if n == 0 {
		return "", nil
	}
	return count(n, "commit", "commits") + " " + label, nil
}

// Remove removes the worktree and deletes its branch when CheckRemovable
// finds no work to lose. It returns removed false and the reason when it
// keeps the worktree, and a note when it removed the worktree but git kept
// the branch. Git is never asked to force anything.
func Remove(ctx context.Context, wt Worktree, log *zap.Logger) (removed bool, reason string, err error) {
	common, err := commonDir(ctx, wt.Path)
	if err != nil {
		return false, "", err
	}
	unlock, err := lockRepository(ctx, common)
	if err != nil {
		return false, "", err
	}
	defer unlock()
	reason, err = CheckRemovable(ctx, wt)
	if err != nil || reason != "" {
		return false, reason, err
	}
	err = discard(ctx, wt.Repository, wt, log)
	var kept *branchKeptError
	switch {
	case errors.As(err, &kept):
		return true, kept.Error(), nil
	case err != nil:
		return false, "", err
	}
	return true, "", nil
}

// branchKeptError is a worktree that was removed while git refused to
// delete its branch.
type branchKeptError struct{ err error }

func (e *branchKeptError) Error() string {
	return "worktree removed, branch kept: " + e.err.Error()
}

// discard removes the worktree and then its branch with the commands that
// refuse to lose work: git worktree remove without --force and git branch
// -d. The caller holds the repository's lock.
func discard(ctx context.Context, repoDir string, wt Worktree, log *zap.Logger) error {
	err := retryOnLock(ctx, log, "worktree remove", func() error {
		_, err := runGit(ctx, repoDir, "worktree", "remove", wt.Path)
		return err
	})
	if err != nil {
		return fmt.Errorf("remove worktree %s: %w", wt.Path, err)
	}
	err = retryOnLock(ctx, log, "branch delete", func() error {
		_, err := runGit(ctx, repoDir, "branch", "--quiet", "-d", wt.Branch)
		return err
	})
	if err != nil {
		return &branchKeptError{err}
	}
	log.Info("removed worktree", zap.String("path", wt.Path), zap.String("branch", wt.Branch))
	return nil
}

// count returns n with the singular or the plural noun.
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// short abbreviates a commit id for messages.
func short(commit string) string {
	if len(commit) > 12 {
		return commit[:12]
	}
	return commit
}
