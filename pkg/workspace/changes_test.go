package workspace

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestListChangesUncommittedAndCommitted(t *testing.T) {
	repo := newRepo(t)
	commitFile(t, repo, "old.txt", "old\n")
	wt := createIn(t, repo, t.TempDir(), "changes")
	commitFile(t, wt.Path, "committed.go", "package x\n")
	writeFile(t, filepath.Join(wt.Path, "README.md"), "changed\n")
	writeFile(t, filepath.Join(wt.Path, "new", "dir", "untracked.txt"), "new\n")
	git(t, wt.Path, "mv", "old.txt", "renamed.txt")

	changes, err := ListChanges(context.Background(), wt)

	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"README.md", "new/dir/untracked.txt", "renamed.txt"}, changes.Uncommitted)
	assert.Equal(t, []string{"committed.go"}, changes.Committed)
	assert.Equal(t, []string{"README.md", "committed.go", "new/dir/untracked.txt", "renamed.txt"}, changes.Files())
}

func TestListChangesIgnoresMainBranchProgress(t *testing.T) {
	repo := newRepo(t)
	wt := createIn(t, repo, t.TempDir(), "changes")
	commitFile(t, repo, "on-main.txt", "main\n")

	changes, err := ListChanges(context.Background(), wt)

	require.NoError(t, err)
	assert.Empty(t, changes.Files())
}

func TestListChangesSkipsIgnoredFiles(t *testing.T) {
	repo := newRepo(t)
	commitFile(t, repo, ".gitignore", "*.log\n")
	wt := createIn(t, repo, t.TempDir(), "changes")
	writeFile(t, filepath.Join(wt.Path, "build.log"), "noise\n")

	changes, err := ListChanges(context.Background(), wt)

	require.NoError(t, err)
	assert.Empty(t, changes.Files())
}

func TestListChangesPathWithSpaces(t *testing.T) {
	repo := newRepo(t)
	wt := createIn(t, repo, t.TempDir(), "changes")
	writeFile(t, filepath.Join(wt.Path, "a file \"quoted\".txt"), "x\n")

	changes, err := ListChanges(context.Background(), wt)

	require.NoError(t, err)
	assert.Equal(t, []string{"a file \"quoted\".txt"}, changes.Uncommitted)
}

func TestListChangesDeletedWorktree(t *testing.T) {
	repo := newRepo(t)
	wt := createIn(t, repo, t.TempDir(), "changes")
	require.NoError(t, os.RemoveAll(wt.Path))

	_, err := ListChanges(context.Background(), wt)

	assert.Error(t, err)
}

func TestParseStatusEntries(t *testing.T) {
	out := " M a.go\x00?? dir/b.txt\x00R  new.go\x00old.go\x00D  gone.go\x00"

	assert.Equal(t, []string{"a.go", "dir/b.txt", "new.go", "gone.go"}, parseStatus(out))
}
