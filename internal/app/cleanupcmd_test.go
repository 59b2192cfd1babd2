package app

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap/zaptest"

	"github.com/axiom-mcp/axiom-mcp/pkg/workspace"
)

// runCleanup runs the cleanup command and returns its exit status, output
// and error output.
func runCleanup(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := CleanupCommand(context.Background(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// gitIn runs git in dir and fails the test on an error.
func gitIn(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "git %s: %s", strings.Join(args, " "), out)
}

// cleanupRoot returns a workspace root with a worktree holding an
// uncommitted file, a clean worktree and an empty directory, and the paths
// of those three.
func cleanupRoot(t *testing.T) (root, dirty, clean, empty string) {
	t.Helper()
	t.Setenv("GIT_AUTHOR_NAME", "Test Author")
	t.Setenv("GIT_AUTHOR_EMAIL", "author@example.com")
	t.Setenv("GIT_COMMITTER_NAME", "Test Committer")
	t.Setenv("GIT_COMMITTER_EMAIL", "committer@example.com")
	t.Setenv("GIT_CONFIG_GLOBAL", os.DevNull)
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	base, err := filepath.EvalSymlinks(t.TempDir())
	require.NoError(t, err)
	repo := filepath.Join(base, "repo")
	root = filepath.Join(base, "workspaces")
	require.NoError(t, os.MkdirAll(repo, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(repo, "README.md"), []byte("hello\n"), 0o644))
	gitIn(t, repo, "init", "--quiet", "-b", "main")
	gitIn(t, repo, "add", ".")
	gitIn(t, repo, "commit", "--quiet", "-m", "Add README")
	found, ok, err := workspace.Detect(context.Background(), repo)
	require.NoError(t, err)
	require.True(t, ok)
	for _, name := range []string{"dirty", "clean"} {
		_, err := workspace.Create(context.Background(), found, filepath.Join(root, name), name, zaptest.NewLogger(t))
		require.NoError(t, err)
	}
	dirty, clean, empty = filepath.Join(root, "dirty"), filepath.Join(root, "clean"), filepath.Join(root, "t-empty")
	require.NoError(t, os.WriteFile(filepath.Join(dirty, "wip.txt"), []byte("wip\n"), 0o644))
	require.NoError(t, os.Mkdir(empty, 0o755))
	return root, dirty, clean, empty
}

func TestORC02CleanupKeepsUnsavedWork(t *testing.T) {
	root, dirty, clean, empty := cleanupRoot(t)

	code, out, errOut := runCleanup(t, "--workspace-root", root)

	assert.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "removed: 2\n")
	assert.Contains(t, out, "  "+clean+" (branch axiom/clean): no uncommitted files and every commit is on main\n")
	assert.Contains(t, out, "  "+empty+": empty directory\n")
	assert.Contains(t, out, "kept: 1\n  "+dirty+" (branch axiom/dirty): 1 uncommitted file\n")
	assert.NoDirExists(t, clean)
	assert.NoDirExists(t, empty)
	assert.FileExists(t, filepath.Join(dirty, "wip.txt"))
}

func TestORC02CleanupKeepsWorkspaceInUse(t *testing.T) {
	root, _, clean, _ := cleanupRoot(t)
	agent := exec.Command("sleep", "30")
	agent.Dir = clean
	require.NoError(t, agent.Start())
	t.Cleanup(func() {
		_ = agent.Process.Kill()
		_ = agent.Wait()
	})

	code, out, errOut := runCleanup(t, "--workspace-root", root)

	assert.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "removed: 1\n", "only the empty directory")
	assert.Contains(t, out, fmt.Sprintf("  %s: in use: process %d (sleep) works in it", clean, agent.Process.Pid))
	assert.DirExists(t, clean)
}

func TestCleanupCommandDryRun(t *testing.T) {
	root, dirty, clean, empty := cleanupRoot(t)

	code, out, errOut := runCleanup(t, "--workspace-root", root, "--dry-run")

	assert.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "dry run: nothing under "+root+" was removed\n")
	assert.Contains(t, out, "would remove: 2\n")
	assert.Contains(t, out, "kept: 1\n")
	assert.DirExists(t, clean)
	assert.DirExists(t, empty)
	assert.DirExists(t, dirty)
}

func TestCleanupCommandRootFromConfig(t *testing.T) {
	root, _, clean, _ := cleanupRoot(t)
	config := filepath.Join(t.TempDir(), "axiom.yaml")
	require.NoError(t, os.WriteFile(config, []byte("workspace_root: "+root+"\n"), 0o600))

	code, out, errOut := runCleanup(t, "--config", config)

	assert.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "removed: 2\n")
	assert.NoDirExists(t, clean)
}

func TestCleanupCommandMissingRoot(t *testing.T) {
	root := filepath.Join(t.TempDir(), "absent")

	code, out, _ := runCleanup(t, "--workspace-root", root)

	assert.Equal(t, 0, code)
	assert.Equal(t, "workspace root "+root+" does not exist: nothing to clean up\n", out)
}

func TestCleanupCommandUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"extra"}, {"--no-such-flag"}} {
		code, _, errOut := runCleanup(t, args...)
		assert.Equal(t, 2, code, "args %q", args)
		assert.NotEmpty(t, errOut, "args %q", args)
	}
}

func TestCleanupCommandHelp(t *testing.T) {
	code, _, errOut := runCleanup(t, "-h")

	assert.Equal(t, 0, code)
	assert.Contains(t, errOut, "removes\nthose whose removal loses no work")
	assert.Contains(t, errOut, "-dry-run")
}
