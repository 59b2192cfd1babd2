package workspace

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDetectFindsTopLevelAndSubdir(t *testing.T) {
	repo := newRepo(t)
	sub := filepath.Join(repo, "src", "cmd")
	writeFile(t, filepath.Join(sub, "main.go"), "package main\n")

	found := detect(t, sub)

	assert.Equal(t, repo, found.TopLevel)
	assert.Equal(t, "src/cmd", found.Subdir)
	assert.Equal(t, filepath.Join(repo, ".git"), found.CommonDir)
}

func TestDetectAtTopLevel(t *testing.T) {
	repo := newRepo(t)

	found := detect(t, repo)

	assert.Equal(t, "", found.Subdir)
}

func TestDetectOutsideRepository(t *testing.T) {
	gitTestEnv(t)

	_, ok, err := Detect(context.Background(), t.TempDir())

	require.NoError(t, err)
	assert.False(t, ok)
}

func TestDetectInsideGitDirectory(t *testing.T) {
	repo := newRepo(t)

	_, ok, err := Detect(context.Background(), filepath.Join(repo, ".git"))

	require.NoError(t, err)
	assert.False(t, ok)
}

func TestDetectIgnoresGitDirVariable(t *testing.T) {
	repo := newRepo(t)
	t.Setenv("GIT_DIR", filepath.Join(repo, ".git"))

	_, ok, err := Detect(context.Background(), t.TempDir())

	require.NoError(t, err)
	assert.False(t, ok, "GIT_DIR of the server must not make every directory a repository")
}

func TestDetectWorktreeSharesCommonDir(t *testing.T) {
	repo := newRepo(t)
	wt := createIn(t, repo, t.TempDir(), "one")

	found := detect(t, wt.Path)

	assert.Equal(t, wt.Path, found.TopLevel)
	assert.Equal(t, filepath.Join(repo, ".git"), found.CommonDir)
}
