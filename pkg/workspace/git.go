// Package workspace gives tasks their own git worktrees and removes
// workspaces only when that loses no work.
//
// It drives the git command-line tool through os/exec. Worktree creation is
// serialised per repository inside the process and retried when another
// git process holds a lock. A worktree is removed only when it has no
// uncommitted changes and no commits that are missing from its base branch,
// and git is never asked to force a removal.
package workspace

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// ErrGitMissing is returned when the git program is not on PATH.
var ErrGitMissing = errors.New("git not found on PATH: install git (Debian: apt-get install git)")

// gitError is a git command that failed, with its error output.
type gitError struct {
	dir    string
	args   []string
	stderr string
	err    error
}

func (e *gitError) Error() string {
	msg := strings.TrimSpace(e.stderr)
	if msg == "" {
		msg = e.err.Error()
	}
	return fmt.Sprintf("git %s in %s: %s", strings.Join(e.args, " "), e.dir, firstLines(msg, 3))
}

func (e *gitError) Unwrap() error { return e.err }

// firstLines keeps the first n lines of git's message; git follows a lock
// error with a paragraph of advice that repeats for every retry.
func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "; ")
}

// runGit runs git in dir and returns its standard output.
func runGit(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	cmd.Env = gitEnv(os.Environ())
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return "", ErrGitMissing
		}
		return "", &gitError{dir: dir, args: args, stderr: stderr.String(), err: err}
	}
	return stdout.String(), nil
}

// gitOutput runs git and returns its output without the final newline.
func gitOutput(ctx context.Context, dir string, args ...string) (string, error) {
	out, err := runGit(ctx, dir, args...)
	return strings.TrimSuffix(out, "\n"), err
}

// repositoryVariables are git's variables that point it at a repository
// other than the one it finds from its working directory. The server may
// have been started from a git hook or an editor that set them.
var repositoryVariables = []string{
	"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR", "GIT_OBJECT_DIRECTORY",
	"GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_NAMESPACE", "GIT_CEILING_DIRECTORIES", "GIT_PREFIX",
}

// gitEnv returns env without the repository variables, with English
// messages (lock errors are recognised by their text), no prompts, and
// no optional index locks, so status checks do not contend with the agent's
// own git commands.
func gitEnv(env []string) []string {
	out := make([]string, 0, len(env)+3)
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		if isRepositoryVariable(name) || name == "LC_ALL" || name == "LANGUAGE" {
			continue
		}
		out = append(out, kv)
	}
	return append(out, "LC_ALL=C", "GIT_TERMINAL_PROMPT=0", "GIT_OPTIONAL_LOCKS=0")
}

func isRepositoryVariable(name string) bool {
	for _, v := range repositoryVariables {
		if name == v {
			return true
		}
	}
	return false
}

// stderrOf returns git's error output, or "" when err is no git failure.
func stderrOf(err error) string {
	var ge *gitError
	if errors.As(err, &ge) {
		return ge.stderr
	}
	return ""
}

// isLockError reports whether git failed because another process held one
// of the repository's lock files: the index, a ref or the config.
func isLockError(err error) bool {
	msg := stderrOf(err)
	switch {
	case strings.Contains(msg, "exists; cannot create"), strings.Contains(msg, "reference already exists"):
		// A branch blocks the new name's directory, as "axiom" blocks
		// "axiom/x", or took the name first; waiting does not help.
		return false
	case strings.Contains(msg, "index.lock"),
		strings.Contains(msg, "could not lock"),
		strings.Contains(msg, "cannot lock ref"),
		strings.Contains(msg, ".lock': File exists"):
		return true
	}
	return false
}

// isBranchExists reports whether git failed because the branch it was to
// create already exists, as when another process took the name.
func isBranchExists(err error) bool {
	msg := stderrOf(err)
	return strings.Contains(msg, "reference already exists") ||
		(strings.Contains(msg, "a branch named") && strings.Contains(msg, "already exists"))
}
