package workspace

import (
	"context"
	"errors"
	"fmt"

	"go.uber.org/zap"
)

// Worktree is a git worktree created for a task.
type Worktree struct {
	// Path is the worktree's top-level directory.
	Path string `json:"path"`
	// Branch is the branch created for the worktree.
	Branch string `json:"branch"`
	// Base is the commit the branch started from.
	Base string `json:"base"`
	// BaseBranch is the branch checked out in the repository when the
	// worktree was created, or "" when its HEAD was detached.
	BaseBranch string `json:"base_branch,omitempty"`
	// Repository is the top level of the work tree the worktree was
	// created from.
	Repository string `json:"repository"`
}

// Keys under branch.<name> in the repository's config that record where a
// task branch started. Cleanup reads them to judge what would be lost, and
// `git branch -d` deletes them with the branch.
const (
	configBase       = "axiombase"
	configBaseBranch = "axiombasebranch"
)

// maxCreateTries bounds the attempts to find a free branch name when
// another process takes each name first.
const maxCreateTries = 5

// Create adds a worktree at path, which must not exist, on a new branch
// that starts at the HEAD commit of repo. The branch is BranchName(name),
// with a suffix such as -2 when that name is taken. Creations in one
// repository run one at a time within the process, and a git lock held by
// another process is waited for with a short backoff.
func Create(ctx context.Context, repo Repository, path, name string, log *zap.Logger) (Worktree, error) {
	unlock, err := lockRepository(ctx, repo.CommonDir)
	if err != nil {
		return Worktree{}, err
	}
	defer unlock()

	wt := Worktree{Path: path, Repository: repo.TopLevel}
	wt.Base, err = gitOutput(ctx, repo.TopLevel, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
	if err != nil {
		return Worktree{}, fmt.Errorf("repository %s has no commit yet: commit once, or give a workdir "+
			"outside the repository: %w", repo.TopLevel, err)
	}
	// symbolic-ref fails on a detached HEAD, which leaves BaseBranch empty.
	wt.BaseBranch, _ = gitOutput(ctx, repo.TopLevel, "symbolic-ref", "--quiet", "--short", "HEAD")

	if wt.Branch, err = addWorktree(ctx, repo, path, name, wt.Base, log); err != nil {
		return Worktree{}, err
	}
	if err := recordBase(ctx, repo, wt, log); err != nil {
		if undoErr := discard(ctx, repo.TopLevel, wt, log); undoErr != nil {
			err = errors.Join(err, undoErr)
		}
		return Worktree{}, err
	}
	log.Info("created worktree", zap.String("path", path), zap.String("branch", wt.Branch),
		zap.String("base", wt.Base), zap.String("repository", repo.TopLevel))
	return wt, nil
}

// addWorktree runs git worktree add on a free branch name and returns the
// name. A name that another process creates first is replaced by the next
// free one.
func addWorktree(ctx context.Context, repo Repository, path, name, base string, log *zap.Logger) (string, error) {
	for try := 1; ; try++ {
		branch, err := freeBranch(ctx, repo.TopLevel, name)
		if err != nil {
			return "", err
		}
		err = retryOnLock(ctx, log, "worktree add", func() error {
			_, err := runGit(ctx, repo.TopLevel, "worktree", "add", "--quiet", "-b", branch, path, base)
			return err
		})
		if err == nil {
			return branch, nil
		}
		if !isBranchExists(err) || try == maxCreateTries {
			return "", fmt.Errorf("create worktree %s on branch %s: %w", path, branch, err)
		}
	}
}

// recordBase stores the base commit and branch in the repository's config.
func recordBase(ctx context.Context, repo Repository, wt Worktree, log *zap.Logger) error {
	values := [][2]string{{configBase, wt.Base}}
	if wt.BaseBranch != "" {
		values = append(values, [2]string{configBaseBranch, wt.BaseBranch})
	}
	for _, kv := range values {
		key := "branch." + wt.Branch + "." + kv[0]
		err := retryOnLock(ctx, log, "config", func() error {
			_, err := runGit(ctx, repo.TopLevel, "config", key, kv[1])
			return err
		})
		if err != nil {
			return fmt.Errorf("record %s of worktree %s: %w", key, wt.Path, err)
		}
	}
	return nil
}
