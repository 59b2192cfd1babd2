package workspace

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/zap/zaptest"
)

// gitTestEnv makes git commands in tests independent of the machine's git
// configuration and gives commits an author.
func gitTestEnv(t *testing.T) {
	t.Helper()
	t.Setenv("GIT_AUTHOR_NAME", "Test Author")
	t.Setenv("GIT_AUTHOR_EMAIL", "author@example.com")
	t.Setenv("GIT_COMMITTER_NAME", "Test Committer")
	t.Setenv("GIT_COMMITTER_EMAIL", "committer@example.com")
	t.Setenv("GIT_CONFIG_GLOBAL", os.DevNull)
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
}

// git runs git in dir and returns its trimmed output, failing the test on
// an error.
func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "git %s: %s", strings.Join(args, " "), out)
	return strings.TrimSpace(string(out))
}

// newRepo creates a repository on branch main with README.md committed, and
// returns its directory with symbolic links resolved.
func newRepo(t *testing.T) string {
	t.Helper()
	gitTestEnv(t)
	dir, err := filepath.EvalSymlinks(t.TempDir())
	require.NoError(t, err)
	repo := filepath.Join(dir, "repo")
	require.NoError(t, os.Mkdir(repo, 0o755))
	git(t, repo, "init", "--quiet", "-b", "main")
	writeFile(t, filepath.Join(repo, "README.md"), "hello\n")
	git(t, repo, "add", ".")
	git(t, repo, "commit", "--quiet", "-m", "Add README")
	return repo
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
}

func detect(t *testing.T, dir string) Repository {
	t.Helper()
	repo, ok, err := Detect(context.Background(), dir)
	require.NoError(t, err)
	require.True(t, ok, "%s is in a git work tree", dir)
	return repo
}

// createIn creates a worktree of repoDir at root/id for the task name.
func createIn(t *testing.T, repoDir, root, name string) Worktree {
	t.Helper()
	wt, err := Create(context.Background(), detect(t, repoDir), filepath.Join(root, name), name, zaptest.NewLogger(t))
	require.NoError(t, err)
	return wt
}

// commitFile writes and commits one file in dir.
func commitFile(t *testing.T, dir, name, content string) {
	t.Helper()
	writeFile(t, filepath.Join(dir, name), content)
	git(t, dir, "add", name)
	git(t, dir, "commit", "--quiet", "-m", "Change "+name)
}

func branchExists(t *testing.T, repoDir, branch string) bool {
	t.Helper()
	cmd := exec.Command("git", "rev-parse", "--verify", "--quiet", "refs/heads/"+branch)
	cmd.Dir = repoDir
	return cmd.Run() == nil
}
