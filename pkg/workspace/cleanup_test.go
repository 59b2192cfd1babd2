package workspace

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap/zaptest"
)

// cleanupFixture is a workspace root with one entry of each kind.
type cleanupFixture struct {
	repo, root                             string
	dirty, unmerged, merged, untouched     Worktree
	emptyDir, fullDir, file, ownRepository string
}

func newCleanupFixture(t *testing.T) cleanupFixture {
	t.Helper()
	f := cleanupFixture{repo: newRepo(t), root: t.TempDir()}
	f.dirty = createIn(t, f.repo, f.root, "dirty")
	writeFile(t, filepath.Join(f.dirty.Path, "wip.go"), "package wip\n")
	writeFile(t, filepath.Join(f.dirty.Path, "README.md"), "edited\n")
	writeFile(t, filepath.Join(f.dirty.Path, "notes", "todo.txt"), "todo\n")

	f.unmerged = createIn(t, f.repo, f.root, "unmerged")
	commitFile(t, f.unmerged.Path, "a.go", "package a\n")
	commitFile(t, f.unmerged.Path, "b.go", "package b\n")

	f.merged = createIn(t, f.repo, f.root, "merged")
	commitFile(t, f.merged.Path, "done.go", "package done\n")
	git(t, f.repo, "merge", "--quiet", "--no-edit", "axiom/merged")

	f.untouched = createIn(t, f.repo, f.root, "untouched")

	f.emptyDir = filepath.Join(f.root, "t-empty")
	require.NoError(t, os.Mkdir(f.emptyDir, 0o755))
	f.fullDir = filepath.Join(f.root, "t-full")
	writeFile(t, filepath.Join(f.fullDir, "result.txt"), "work\n")
	f.file = filepath.Join(f.root, "stray.txt")
	writeFile(t, f.file, "stray\n")
	f.ownRepository = filepath.Join(f.root, "clone")
	require.NoError(t, os.Mkdir(f.ownRepository, 0o755))
	git(t, f.ownRepository, "init", "--quiet", "-b", "main")
	return f
}

// byPath indexes report entries by their path.
func byPath(entries []Entry) map[string]Entry {
	m := make(map[string]Entry, len(entries))
	for _, e := range entries {
		m[e.Path] = e
	}
	return m
}

func TestCleanupKeepsWorkAndRemovesSafe(t *testing.T) {
	f := newCleanupFixture(t)

	report, err := Cleanup(context.Background(), f.root, CleanupOptions{Logger: zaptest.NewLogger(t)})

	require.NoError(t, err)
	kept, removed := byPath(report.Kept), byPath(report.Removed)
	assert.Len(t, removed, 3)
	assert.Len(t, kept, 5)
	assert.Equal(t, "3 uncommitted files", kept[f.dirty.Path].Reason)
	assert.Equal(t, "2 commits not merged into main", kept[f.unmerged.Path].Reason)
	assert.Contains(t, kept[f.fullDir].Reason, "plain directory with 1 entry")
	assert.Equal(t, KindOther, kept[f.file].Kind)
	assert.Equal(t, KindRepository, kept[f.ownRepository].Kind)
	assert.Equal(t, "no uncommitted files and every commit is on main", removed[f.merged.Path].Reason)
	assert.Equal(t, "axiom/untouched", removed[f.untouched.Path].Branch)
	assert.Equal(t, "empty directory", removed[f.emptyDir].Reason)
}

func TestCleanupRemovesFromDiskAndGit(t *testing.T) {
	f := newCleanupFixture(t)

	_, err := Cleanup(context.Background(), f.root, CleanupOptions{Logger: zaptest.NewLogger(t)})

	require.NoError(t, err)
	assert.NoDirExists(t, f.merged.Path)
	assert.NoDirExists(t, f.untouched.Path)
	assert.NoDirExists(t, f.emptyDir)
	assert.False(t, branchExists(t, f.repo, "axiom/merged"))
	assert.False(t, branchExists(t, f.repo, "axiom/untouched"))
	assert.FileExists(t, filepath.Join(f.dirty.Path, "wip.go"))
	assert.True(t, branchExists(t, f.repo, "axiom/dirty"))
	assert.True(t, branchExists(t, f.repo, "axiom/unmerged"))
	assert.FileExists(t, filepath.Join(f.fullDir, "result.txt"))
	assert.FileExists(t, f.file)
	list := exec.Command("git", "config", "--get-regexp", `^branch\.axiom/merged\.`)
	list.Dir = f.repo
	out, _ := list.Output()
	assert.Empty(t, string(out), "git branch -d drops the recorded base")
}

func TestCleanupDryRunRemovesNothing(t *testing.T) {
	f := newCleanupFixture(t)

	report, err := Cleanup(context.Background(), f.root, CleanupOptions{DryRun: true, Logger: zaptest.NewLogger(t)})

	require.NoError(t, err)
	assert.True(t, report.DryRun)
	removed := byPath(report.Removed)
	assert.Len(t, removed, 3)
	assert.Contains(t, removed, f.merged.Path)
	assert.Len(t, report.Kept, 5)
	assert.DirExists(t, f.merged.Path)
	assert.DirExists(t, f.untouched.Path)
	assert.DirExists(t, f.emptyDir)
	assert.True(t, branchExists(t, f.repo, "axiom/merged"))
}

func TestCleanupDetachedBaseCountsCommits(t *testing.T) {
	repo := newRepo(t)
	git(t, repo, "checkout", "--quiet", "--detach")
	root := t.TempDir()
	wt := createIn(t, repo, root, "detached")
	commitFile(t, wt.Path, "x.go", "package x\n")

	report, err := Cleanup(context.Background(), root, CleanupOptions{Logger: zaptest.NewLogger(t)})

	require.NoError(t, err)
	require.Len(t, report.Kept, 1)
	assert.Equal(t, "1 commit beyond base commit "+wt.Base[:12], report.Kept[0].Reason)
}

func TestCleanupKeepsForeignWorktree(t *testing.T) {
	repo := newRepo(t)
	root := t.TempDir()
	path := filepath.Join(root, "by-hand")
	git(t, repo, "worktree", "add", "--quiet", "-b", "by-hand", path)

	report, err := Cleanup(context.Background(), root, CleanupOptions{Logger: zaptest.NewLogger(t)})

	require.NoError(t, err)
	require.Len(t, report.Kept, 1)
	assert.Contains(t, report.Kept[0].Reason, "has no recorded base commit")
	assert.DirExists(t, path)
}

func TestCleanupKeepsWorktreeWithDeletedBaseBranch(t *testing.T) {
	repo := newRepo(t)
	git(t, repo, "checkout", "--quiet", "-b", "topic")
	root := t.TempDir()
	wt := createIn(t, repo, root, "orphan")
	git(t, repo, "checkout", "--quiet", "main")
	git(t, repo, "branch", "--quiet", "-D", "topic")

	report, err := Cleanup(context.Background(), root, CleanupOptions{Logger: zaptest.NewLogger(t)})

	require.NoError(t, err)
	require.Len(t, report.Kept, 1)
	assert.Equal(t, "base branch topic no longer exists", report.Kept[0].Reason)
	assert.DirExists(t, wt.Path)
}

func TestCleanupKeepsLockedWorktree(t *testing.T) {
	repo := newRepo(t)
	root := t.TempDir()
	wt := createIn(t, repo, root, "locked")
	git(t, repo, "worktree", "lock", wt.Path)

	report, err := Cleanup(context.Background(), root, CleanupOptions{Logger: zaptest.NewLogger(t)})

	require.NoError(t, err)
	require.Len(t, report.Kept, 1)
	assert.Contains(t, report.Kept[0].Reason, "locked")
	assert.DirExists(t, wt.Path)
}

func TestCleanupMissingRoot(t *testing.T) {
	_, err := Cleanup(context.Background(), filepath.Join(t.TempDir(), "absent"), CleanupOptions{})

	assert.ErrorIs(t, err, os.ErrNotExist)
}

func TestCleanupKeepsWorktreeSwitchedBranch(t *testing.T) {
	repo := newRepo(t)
	root := t.TempDir()
	wt := createIn(t, repo, root, "switched")
	git(t, wt.Path, "checkout", "--quiet", "-b", "elsewhere")

	report, err := Cleanup(context.Background(), root, CleanupOptions{Logger: zaptest.NewLogger(t)})

	require.NoError(t, err)
	require.Len(t, report.Kept, 1)
	assert.Contains(t, report.Kept[0].Reason, "branch elsewhere of worktree")
	assert.DirExists(t, wt.Path)
}

func TestCleanupKeepsDetachedWorktree(t *testing.T) {
	repo := newRepo(t)
	root := t.TempDir()
	wt := createIn(t, repo, root, "detached")
	git(t, wt.Path, "checkout", "--quiet", "--detach")

	report, err := Cleanup(context.Background(), root, CleanupOptions{Logger: zaptest.NewLogger(t)})

	require.NoError(t, err)
	require.Len(t, report.Kept, 1)
	assert.Contains(t, report.Kept[0].Reason, "is not on a branch")
	assert.DirExists(t, wt.Path)
}

func TestCleanupKeepsWorktreeOfDeletedRepository(t *testing.T) {
	repo := newRepo(t)
	root := t.TempDir()
	wt := createIn(t, repo, root, "orphan")
	require.NoError(t, os.RemoveAll(repo))

	report, err := Cleanup(context.Background(), root, CleanupOptions{Logger: zaptest.NewLogger(t)})

	require.NoError(t, err)
	require.Len(t, report.Kept, 1)
	assert.Contains(t, report.Kept[0].Reason, "its repository may have been moved or deleted")
	assert.DirExists(t, wt.Path)
}
