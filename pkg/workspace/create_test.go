package workspace

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap/zaptest"
)

func TestBranchNameSanitises(t *testing.T) {
	cases := map[string]string{
		"feature-x":             "axiom/feature-x",
		"t-0a1b2c3d4e":          "axiom/t-0a1b2c3d4e",
		"Fix the login page!":   "axiom/Fix-the-login-page",
		"a/b:c~d^e?f*g[h]i\\":   "axiom/a-b-c-d-e-f-g-h-i",
		"..hidden..name..":      "axiom/hidden.name",
		"-lead":                 "axiom/lead",
		"build.lock":            "axiom/build",
		"x.lock.lock":           "axiom/x",
		"@{u}":                  "axiom/u",
		"":                      "axiom/task",
		"ünïcode":               "axiom/n-code",
		"...":                   "axiom/task",
		strings.Repeat("a", 80): "axiom/" + strings.Repeat("a", maxBranchNameBytes),
	}
	for name, want := range cases {
		assert.Equal(t, want, BranchName(name), "name %q", name)
	}
}

func TestBranchNameIsValidRef(t *testing.T) {
	gitTestEnv(t)
	for _, name := range []string{"Fix the login page!", "..a..", "x.lock", "@", "a b\tc", "ünïcode", "a//b"} {
		branch := BranchName(name)
		git(t, t.TempDir(), "check-ref-format", "--branch", branch)
	}
}

func TestCreateNamesBranchAfterTask(t *testing.T) {
	repo := newRepo(t)

	wt := createIn(t, repo, t.TempDir(), "feature-x")

	assert.Equal(t, "axiom/feature-x", wt.Branch)
	assert.Equal(t, "axiom/feature-x", git(t, wt.Path, "symbolic-ref", "--short", "HEAD"))
	assert.Equal(t, git(t, repo, "rev-parse", "HEAD"), wt.Base)
	assert.Equal(t, "main", wt.BaseBranch)
	assert.Equal(t, repo, wt.Repository)
	assert.FileExists(t, filepath.Join(wt.Path, "README.md"))
}

func TestCreateRecordsBaseInConfig(t *testing.T) {
	repo := newRepo(t)

	wt := createIn(t, repo, t.TempDir(), "feature-x")

	assert.Equal(t, wt.Base, git(t, repo, "config", "branch.axiom/feature-x.axiombase"))
	assert.Equal(t, "main", git(t, repo, "config", "branch.axiom/feature-x.axiombasebranch"))
}

func TestCreateAddsSuffixWhenBranchTaken(t *testing.T) {
	repo := newRepo(t)
	git(t, repo, "branch", "axiom/job")
	git(t, repo, "branch", "axiom/job-2")
	git(t, repo, "branch", "axiom/nested/deeper")
	root := t.TempDir()

	first := createIn(t, repo, root, "job")
	nested, err := Create(context.Background(), detect(t, repo), filepath.Join(root, "n"), "nested",
		zaptest.NewLogger(t))

	assert.Equal(t, "axiom/job-3", first.Branch)
	require.NoError(t, err)
	assert.Equal(t, "axiom/nested-2", nested.Branch, "a branch below the name blocks it")
}

func TestCreateParallelOnOneRepository(t *testing.T) {
	repo := newRepo(t)
	found := detect(t, repo)
	root := t.TempDir()
	const n = 8
	worktrees := make([]Worktree, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			path := filepath.Join(root, fmt.Sprintf("task-%d", i))
			worktrees[i], errs[i] = Create(context.Background(), found, path, "job", zaptest.NewLogger(t))
		}()
	}
	wg.Wait()

	branches := make(map[string]bool)
	for i := range n {
		require.NoError(t, errs[i], "creation %d", i)
		branches[worktrees[i].Branch] = true
		assert.DirExists(t, worktrees[i].Path)
	}
	assert.Len(t, branches, n, "every worktree has its own branch")
	assert.True(t, branches["axiom/job"])
	assert.True(t, branches["axiom/job-8"])
	list := git(t, repo, "worktree", "list", "--porcelain")
	assert.Equal(t, n+1, strings.Count(list, "worktree "), "main work tree and %d worktrees", n)
}

func TestCreateWaitsForRefLock(t *testing.T) {
	repo := newRepo(t)
	lock := filepath.Join(repo, ".git", "refs", "heads", "axiom", "locked.lock")
	writeFile(t, lock, "")
	// Another git process holds the ref lock and frees it after a moment.
	released := make(chan error, 1)
	timer := time.AfterFunc(150*time.Millisecond, func() { released <- os.Remove(lock) })
	defer timer.Stop()

	wt, err := Create(context.Background(), detect(t, repo), filepath.Join(t.TempDir(), "w"), "locked",
		zaptest.NewLogger(t))

	require.NoError(t, err)
	require.NoError(t, <-released)
	assert.Equal(t, "axiom/locked", wt.Branch)
}

func TestCreateGivesUpOnStaleLock(t *testing.T) {
	repo := newRepo(t)
	writeFile(t, filepath.Join(repo, ".git", "refs", "heads", "axiom", "stale.lock"), "")

	_, err := Create(context.Background(), detect(t, repo), filepath.Join(t.TempDir(), "w"), "stale",
		zaptest.NewLogger(t))

	require.Error(t, err)
	assert.Contains(t, err.Error(), "stale.lock")
}

func TestCreateInRepositoryWithoutCommit(t *testing.T) {
	gitTestEnv(t)
	repo := t.TempDir()
	git(t, repo, "init", "--quiet", "-b", "main")

	_, err := Create(context.Background(), detect(t, repo), filepath.Join(t.TempDir(), "w"), "x",
		zaptest.NewLogger(t))

	require.Error(t, err)
	assert.Contains(t, err.Error(), "has no commit yet")
}

func TestCreateFromDetachedHead(t *testing.T) {
	repo := newRepo(t)
	git(t, repo, "checkout", "--quiet", "--detach")

	wt := createIn(t, repo, t.TempDir(), "detached")

	assert.Equal(t, "", wt.BaseBranch)
	assert.Equal(t, git(t, repo, "rev-parse", "HEAD"), wt.Base)
}

func TestCreateRejectsExistingPath(t *testing.T) {
	repo := newRepo(t)
	path := t.TempDir()
	writeFile(t, filepath.Join(path, "keep.txt"), "mine\n")

	_, err := Create(context.Background(), detect(t, repo), path, "x", zaptest.NewLogger(t))

	require.Error(t, err)
	assert.FileExists(t, filepath.Join(path, "keep.txt"))
}

func TestIsLockErrorMessages(t *testing.T) {
	cases := map[string]bool{
		"fatal: cannot lock ref 'refs/heads/axiom/x': Unable to create '/r/.git/refs/heads/axiom/x.lock': File exists.": true,
		"error: could not lock config file .git/config: File exists":                                                    true,
		"fatal: Unable to create '/r/.git/index.lock': File exists.":                                                    true,
		"fatal: cannot lock ref 'refs/heads/axiom/x': 'refs/heads/axiom' exists; cannot create 'refs/heads/axiom/x'":    false,
		"fatal: a branch named 'axiom/x' already exists":                                                                false,
	}
	for msg, want := range cases {
		err := &gitError{dir: "/r", args: []string{"worktree", "add"}, stderr: msg, err: os.ErrExist}
		assert.Equal(t, want, isLockError(err), msg)
	}
}

func TestIsBranchExistsMessages(t *testing.T) {
	cases := map[string]bool{
		"fatal: a branch named 'axiom/x' already exists":                        true,
		"fatal: cannot lock ref 'refs/heads/axiom/x': reference already exists": true,
		"fatal: '/w/x' already exists":                                          false,
	}
	for msg, want := range cases {
		err := &gitError{dir: "/r", args: []string{"worktree", "add"}, stderr: msg, err: os.ErrExist}
		assert.Equal(t, want, isBranchExists(err), msg)
	}
}

func TestLockRepositorySerialises(t *testing.T) {
	key := t.TempDir()
	unlock, err := lockRepository(context.Background(), key)
	require.NoError(t, err)

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = lockRepository(ctx, key)
	assert.ErrorIs(t, err, context.DeadlineExceeded, "a second caller waits while the first holds the lock")

	unlock()
	unlockAgain, err := lockRepository(context.Background(), key)
	require.NoError(t, err)
	unlockAgain()
}
