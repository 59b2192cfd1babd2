package executor

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap/zaptest"

	"github.com/axiom-mcp/axiom-mcp/pkg/scoring"
	"github.com/axiom-mcp/axiom-mcp/pkg/workspace"
)

// runGit runs git in dir for a test and returns its trimmed output.
func runGit(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "git %s: %s", strings.Join(args, " "), out)
	return strings.TrimSpace(string(out))
}

// newGitRepo creates a repository on branch main with app/main.go
// committed and returns its directory with symbolic links resolved.
func newGitRepo(t *testing.T) string {
	t.Helper()
	t.Setenv("GIT_AUTHOR_NAME", "Test Author")
	t.Setenv("GIT_AUTHOR_EMAIL", "author@example.com")
	t.Setenv("GIT_COMMITTER_NAME", "Test Committer")
	t.Setenv("GIT_COMMITTER_EMAIL", "committer@example.com")
	t.Setenv("GIT_CONFIG_GLOBAL", os.DevNull)
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	dir, err := filepath.EvalSymlinks(t.TempDir())
	require.NoError(t, err)
	repo := filepath.Join(dir, "repo")
	require.NoError(t, os.MkdirAll(filepath.Join(repo, "app"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(repo, "app", "main.go"), []byte("package main\n"), 0o644))
	runGit(t, repo, "init", "--quiet", "-b", "main")
	runGit(t, repo, "add", ".")
	runGit(t, repo, "commit", "--quiet", "-m", "Add app")
	return repo
}

func TestWorktreeTaskRunsInItsOwnBranch(t *testing.T) {
	repo := newGitRepo(t)
	pool := startPool(t, Options{Thresholds: longThresholds()})

	task := submitOne(t, pool, TaskSpec{Prompt: "productive:2", Name: "add files", Workdir: filepath.Join(repo, "app")})
	final := waitTask(t, pool, task.ID, 20*time.Second)

	assert.Equal(t, "succeeded", final.State)
	assert.Equal(t, "axiom/add-files", final.Branch)
	assert.Equal(t, repo, final.Repository)
	assert.Equal(t, filepath.Join(pool.Options().WorkspaceRoot, task.ID, "app"), final.Workspace)
	assert.Equal(t, []string{"app/file-1.txt", "app/file-2.txt"}, final.ChangedFiles)
	assert.Equal(t, 2, final.ChangedFileCount)
	assert.FileExists(t, filepath.Join(final.Workspace, "file-2.txt"))
	assert.NoFileExists(t, filepath.Join(repo, "app", "file-2.txt"), "the repository's own work tree is untouched")
	assert.Equal(t, "axiom/add-files", runGit(t, final.Workspace, "symbolic-ref", "--short", "HEAD"))
}

func TestWorktreeKeptAcrossRetries(t *testing.T) {
	repo := newGitRepo(t)
	pool := startPool(t, Options{Thresholds: scoring.Thresholds{IdleTimeout: 2 * time.Second}})

	task := submitOne(t, pool, TaskSpec{Prompt: "silent-once", Workdir: repo})
	final := waitTask(t, pool, task.ID, 20*time.Second)

	assert.Equal(t, "succeeded", final.State)
	assert.Equal(t, 2, final.Attempts)
	insts := instancesOf(t, pool, task.ID)
	require.Len(t, insts, 2)
	assert.Equal(t, insts[0].Workspace, insts[1].Workspace, "the retry starts in the same worktree")
	assert.Equal(t, "axiom/"+task.ID, final.Branch)
	assert.Equal(t, []string{".testagent-attempt", "file-1.txt", "file-2.txt"}, final.ChangedFiles)
}

func TestWorktreeForEachTaskOfOneRepository(t *testing.T) {
	repo := newGitRepo(t)
	pool := startPool(t, Options{Thresholds: longThresholds()})

	infos, err := pool.Submit([]TaskSpec{
		{Prompt: "exit:0", Name: "job", Workdir: repo},
		{Prompt: "exit:0", Name: "job2", Workdir: repo},
	})

	require.NoError(t, err)
	assert.Equal(t, "axiom/job", infos[0].Branch)
	assert.Equal(t, "axiom/job2", infos[1].Branch)
	assert.NotEqual(t, infos[0].Workspace, infos[1].Workspace)
}

func TestWorktreeRolledBackWithRejectedRequest(t *testing.T) {
	repo := newGitRepo(t)
	pool := startPool(t, Options{Thresholds: longThresholds()})
	taken := t.TempDir()

	_, err := pool.Submit([]TaskSpec{
		{Prompt: "exit:0", Name: "first", Workdir: repo},
		{Prompt: "exit:0", Workdir: taken},
	})

	require.Error(t, err)
	assert.Contains(t, err.Error(), "already exists")
	entries, readErr := os.ReadDir(pool.Options().WorkspaceRoot)
	require.NoError(t, readErr)
	assert.Empty(t, entries, "the first task's worktree is removed")
	assert.Empty(t, runGit(t, repo, "branch", "--list", "axiom/*"), "and its branch deleted")
}

func TestWorktreeRepositoryWithoutCommit(t *testing.T) {
	repo := newGitRepo(t)
	empty := filepath.Join(filepath.Dir(repo), "empty")
	require.NoError(t, os.Mkdir(empty, 0o755))
	runGit(t, empty, "init", "--quiet", "-b", "main")
	pool := startPool(t, Options{Thresholds: longThresholds()})

	_, err := pool.Submit([]TaskSpec{{Prompt: "exit:0", Workdir: empty}})

	require.Error(t, err)
	assert.Contains(t, err.Error(), "has no commit yet")
}

func TestPlainExistingWorkdirStillRejected(t *testing.T) {
	newGitRepo(t) // sets the git environment
	pool := startPool(t, Options{Thresholds: longThresholds()})

	_, err := pool.Submit([]TaskSpec{{Prompt: "exit:0", Workdir: t.TempDir()}})

	require.Error(t, err)
	assert.Contains(t, err.Error(), "already exists")
}

func TestChangedFilesCapped(t *testing.T) {
	repo := newGitRepo(t)
	found, ok, err := workspace.Detect(context.Background(), repo)
	require.NoError(t, err)
	require.True(t, ok)
	tree, err := workspace.Create(context.Background(), found, filepath.Join(t.TempDir(), "w"), "many",
		zaptest.NewLogger(t))
	require.NoError(t, err)
	for i := range MaxChangedFiles + 20 {
		name := filepath.Join(tree.Path, fmt.Sprintf("f%03d.txt", i))
		require.NoError(t, os.WriteFile(name, []byte("x\n"), 0o644))
	}
	g := &taskWorktree{tree: tree}

	files, total := g.changedFiles(time.Now(), "running/1", zaptest.NewLogger(t), "t-1")

	assert.Len(t, files, MaxChangedFiles)
	assert.Equal(t, MaxChangedFiles+20, total)
	assert.Equal(t, "f000.txt", files[0])
}

func TestChangedFilesRefreshedOnNewMoment(t *testing.T) {
	repo := newGitRepo(t)
	found, ok, err := workspace.Detect(context.Background(), repo)
	require.NoError(t, err)
	require.True(t, ok)
	tree, err := workspace.Create(context.Background(), found, filepath.Join(t.TempDir(), "w"), "moment",
		zaptest.NewLogger(t))
	require.NoError(t, err)
	g := &taskWorktree{tree: tree}
	log := zaptest.NewLogger(t)
	now := time.Now()
	_, before := g.changedFiles(now, "running/1", log, "t-1")
	require.NoError(t, os.WriteFile(filepath.Join(tree.Path, "new.txt"), []byte("x\n"), 0o644))

	_, cached := g.changedFiles(now.Add(time.Second), "running/1", log, "t-1")
	_, fresh := g.changedFiles(now.Add(time.Second), "succeeded/1", log, "t-1")
	_, expired := g.changedFiles(now.Add(time.Second+changesMaxAge), "running/1", log, "t-1")

	assert.Equal(t, 0, before)
	assert.Equal(t, 0, cached, "the same moment reuses the list")
	assert.Equal(t, 1, fresh, "a new state runs git again")
	assert.Equal(t, 1, expired, "an old list is made again")
}

func TestMissingWorkdirInsideRepositoryRejected(t *testing.T) {
	repo := newGitRepo(t)
	pool := startPool(t, Options{Thresholds: longThresholds()})

	_, err := pool.Submit([]TaskSpec{{Prompt: "exit:0", Workdir: filepath.Join(repo, "no-such-dir")}})

	require.Error(t, err)
	assert.Contains(t, err.Error(), "a plain directory would be created inside that repository")
	_, statErr := os.Stat(filepath.Join(repo, "no-such-dir"))
	assert.ErrorIs(t, statErr, os.ErrNotExist)
}

func TestWorkdirInsideGitDirectoryRejected(t *testing.T) {
	repo := newGitRepo(t)
	pool := startPool(t, Options{Thresholds: longThresholds()})

	_, err := pool.Submit([]TaskSpec{{Prompt: "exit:0", Workdir: filepath.Join(repo, ".git", "evil")}})

	require.Error(t, err)
	assert.Contains(t, err.Error(), "lies inside a .git directory")
}
