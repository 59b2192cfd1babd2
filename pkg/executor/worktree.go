package executor

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/axiom-mcp/axiom-mcp/pkg/workspace"
)

// MaxChangedFiles caps the changed files listed in a task's status; the
// count gives the total.
const MaxChangedFiles = 100

// Time limits of the git commands the pool runs. Creating a worktree
// checks out every file of the repository, which can take a while.
const (
	gitQueryTimeout  = 10 * time.Second
	gitCreateTimeout = 2 * time.Minute
)

// changesMaxAge is how long a task's list of changed files is reused
// before status runs git again. A change of the task's state or attempt
// makes status run git at once, so a finished task shows its final files.
const changesMaxAge = 2 * time.Second

// taskWorktree is the git side of a task whose workdir is an existing
// directory. repo, tree and detectErr are set before the task is published
// and never change. mu guards the cached list of changed files.
type taskWorktree struct {
	repo workspace.Repository
	tree workspace.Worktree
	// detectErr is the error of the git check of whether the workdir is
	// in a work tree. A non-nil value rejects the task.
	detectErr error

	mu         sync.Mutex
	checkedAt  time.Time
	checkedFor string // task state and attempt of the cached list
	files      []string
	total      int
	lastErr    string
}

// planWorktree gives t a worktree when its workdir is an existing
// directory inside a git work tree: the workspace becomes the matching
// subdirectory of a new worktree under the workspace root, named after the
// task id. Other workdirs are left as they are.
func (p *Pool) planWorktree(t *task) {
	info, err := os.Stat(t.workspace)
	if err != nil || !info.IsDir() {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), gitQueryTimeout)
	defer cancel()
	repo, ok, err := workspace.Detect(ctx, t.workspace)
	if err != nil {
		t.git = &taskWorktree{detectErr: err}
		return
	}
	if !ok {
		return
	}
	t.git = &taskWorktree{repo: repo}
	t.workspace = filepath.Join(p.opts.WorkspaceRoot, t.id, filepath.FromSlash(repo.Subdir))
}

// checkNewWorkdir rejects a workdir that would put a plain directory into a
// git repository: a path through a .git directory, or a missing directory
// whose nearest existing parent lies in a work tree outside the workspace
// root. Such a task would write into the repository's own work tree.
func (p *Pool) checkNewWorkdir(t *task) error {
	if t.spec.Workdir == "" {
		return nil
	}
	if slices.Contains(strings.Split(filepath.ToSlash(t.workspace), "/"), ".git") {
		return fmt.Errorf("workdir %q lies inside a .git directory: give a directory of the work tree, "+
			"such as the repository's top level", t.spec.Workdir)
	}
	if _, err := os.Stat(t.workspace); err == nil {
		return nil
	}
	parent := existingParent(t.workspace)
	if parent == "" || isWithin(parent, p.opts.WorkspaceRoot) {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), gitQueryTimeout)
	defer cancel()
	repo, ok, err := workspace.Detect(ctx, parent)
	if err != nil || !ok {
		return nil
	}
	return fmt.Errorf("workdir %q does not exist, and its parent %s is in the git repository %s, so a "+
		"plain directory would be created inside that repository: give an existing directory of the "+
		"repository to get a worktree of it, or a path outside it", t.spec.Workdir, parent, repo.TopLevel)
}

// existingParent returns the nearest existing directory above path, or "".
func existingParent(path string) string {
	for dir := filepath.Dir(path); ; dir = filepath.Dir(dir) {
		if info, err := os.Stat(dir); err == nil && info.IsDir() {
			return dir
		}
		if dir == filepath.Dir(dir) {
			return ""
		}
	}
}

// isWithin reports whether path is dir or lies below it.
func isWithin(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, "../")
}

// createWorktree adds the worktree that planWorktree chose and the
// subdirectory the agent starts in, which the repository may not track.
// NOTE: it runs under p.mu, so a large checkout delays other pool calls.
func (p *Pool) createWorktree(t *task) error {
	if t.git.detectErr != nil {
		return fmt.Errorf("workdir %s exists, and git could not check whether it is in a repository: %w",
			t.workspace, t.git.detectErr)
	}
	ctx, cancel := context.WithTimeout(context.Background(), gitCreateTimeout)
	defer cancel()
	path := filepath.Join(p.opts.WorkspaceRoot, t.id)
	tree, err := workspace.Create(ctx, t.git.repo, path, label(t), p.log)
	if err != nil {
		return fmt.Errorf("create a git worktree for workdir %s: %w", t.spec.Workdir, err)
	}
	t.git.tree = tree
	if err := os.MkdirAll(t.workspace, 0o755); err != nil {
		return fmt.Errorf("create directory %s in worktree %s: %w", t.workspace, path, err)
	}
	return nil
}

// discardWorkspace undoes createWorkspace for a task of a request that was
// rejected. A worktree is removed only when it holds no work.
func (p *Pool) discardWorkspace(t *task) {
	if t.git == nil {
		_ = os.Remove(t.workspace)
		return
	}
	if t.git.tree.Path == "" {
		return // never created
	}
	ctx, cancel := context.WithTimeout(context.Background(), gitQueryTimeout)
	defer cancel()
	removed, reason, err := workspace.Remove(ctx, t.git.tree, p.log)
	if err != nil || !removed {
		p.log.Warn("worktree of a rejected task kept", zap.String("task", t.id),
			zap.String("path", t.git.tree.Path), zap.String("reason", reason), zap.Error(err))
	}
}

// addChangedFiles fills the changed files of the tasks that have a
// worktree. It runs git, so the caller must not hold p.mu.
func (p *Pool) addChangedFiles(infos []TaskInfo) {
	for i := range infos {
		p.mu.Lock()
		t := p.tasks[infos[i].ID]
		p.mu.Unlock()
		if t == nil || t.git == nil {
			continue
		}
		moment := fmt.Sprintf("%s/%d", infos[i].State, infos[i].Attempts)
		files, total := t.git.changedFiles(p.opts.Now(), moment, p.log, t.id)
		infos[i].ChangedFiles, infos[i].ChangedFileCount = slices.Clone(files), total
	}
}

// changedFiles returns up to MaxChangedFiles of the worktree's changed
// files and their total. It reuses a list at most changesMaxAge old that
// was made at the same moment of the task, its state and attempt. When git
// fails, it returns the last list and logs each new error once.
func (g *taskWorktree) changedFiles(now time.Time, moment string, log *zap.Logger, taskID string) ([]string, int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if moment == g.checkedFor && !g.checkedAt.IsZero() && now.Sub(g.checkedAt) < changesMaxAge {
		return g.files, g.total
	}
	ctx, cancel := context.WithTimeout(context.Background(), gitQueryTimeout)
	defer cancel()
	changes, err := workspace.ListChanges(ctx, g.tree)
	if err != nil {
		if msg := err.Error(); msg != g.lastErr {
			g.lastErr = msg
			log.Warn("list changed files failed", zap.String("task", taskID), zap.Error(err))
		}
		return g.files, g.total
	}
	files := changes.Files()
	g.checkedAt, g.checkedFor, g.lastErr, g.total = now, moment, "", len(files)
	g.files = files[:min(len(files), MaxChangedFiles)]
	return g.files, g.total
}

// label names a task in messages and branch names: its name, else its id.
func label(t *task) string {
	if t.spec.Name != "" {
		return t.spec.Name
	}
	return t.id
}
