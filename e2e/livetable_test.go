package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tmuxSession is a tmux server of its own, on a socket in a test
// directory, running one command in a window of a fixed size.
type tmuxSession struct {
	t      *testing.T
	socket string
}

// startTmux runs command in a new detached tmux server of width by height
// cells and kills that server when the test ends. As root, where CI
// installs tmux, a missing tmux fails the test. Elsewhere it skips.
func startTmux(t *testing.T, width, height int, command string) *tmuxSession {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Geteuid() == 0 {
			t.Fatal("tmux is not installed: install the Debian package tmux (.ci/run does)")
		}
		t.Skip("tmux is not installed: install it to test the live table in a terminal")
	}
	s := &tmuxSession{t: t, socket: filepath.Join(t.TempDir(), "tmux.sock")}
	// The pane stays open after the command ends, so its last screen can
	// still be read.
	s.run("-f", "/dev/null", "new-session", "-d", "-x", strconv.Itoa(width), "-y", strconv.Itoa(height),
		"sh", "-c", command+"; echo EXITED $?; sleep 600")
	t.Cleanup(func() { _ = exec.Command("tmux", "-S", s.socket, "kill-server").Run() })
	return s
}

func (s *tmuxSession) run(args ...string) string {
	s.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-S", s.socket}, args...)...).CombinedOutput()
	require.NoError(s.t, err, "tmux %v: %s", args, out)
	return string(out)
}

// capture returns the visible text of the pane.
func (s *tmuxSession) capture() string {
	return s.run("capture-pane", "-p")
}

// waitFor polls the pane until it contains every one of want, and returns
// the last capture.
func (s *tmuxSession) waitFor(timeout time.Duration, want ...string) string {
	s.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		screen := s.capture()
		missing := ""
		for _, w := range want {
			if !strings.Contains(screen, w) {
				missing = w
				break
			}
		}
		if missing == "" {
			return screen
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("the pane did not show %q within %s; it shows:\n%s", missing, timeout, screen)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestRunLiveTableInTmux(t *testing.T) {
	root := filepath.Join(t.TempDir(), "workspaces")
	command := strings.Join([]string{serverBin, "run", "--workspace-root", root, "--agent", agentBin,
		"--tick", "200ms", "--kill-grace", "2s", "-prompt", "chatty:4", "-prompt", "productive:6"}, " ")
	pane := startTmux(t, 150, 30, command)

	live := pane.waitFor(20*time.Second, "INSTANCE", "SCORE OVER TIME", "chatter")
	assert.Contains(t, live, "pool: ")
	assert.Contains(t, live, "░", "a score bar is drawn")
	assert.Regexp(t, `(?m)^  i-[0-9a-f]+ +t-[0-9a-f]+ +\w+`, live, "a row per instance")

	done := pane.waitFor(30*time.Second, "EXITED")
	assert.Contains(t, done, "2 succeeded, 0 failed, 0 cancelled, 0 blocked")
	assert.Contains(t, done, "EXITED 0")
	assert.Equal(t, 1, strings.Count(done, "SCORE OVER TIME"), "the table is redrawn in place, not repeated:\n%s", done)
}
