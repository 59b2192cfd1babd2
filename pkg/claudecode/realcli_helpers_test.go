package claudecode

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap/zaptest"

	"github.com/axiom-mcp/axiom-mcp/internal/claudeenv"
	"github.com/axiom-mcp/axiom-mcp/pkg/mockmodel"
)

// update makes the real-CLI tests rewrite their captures in testdata.
var update = flag.Bool("update", false, "rewrite testdata captures from real Claude Code runs")

// startMockModel starts the scripted model server and returns its base URL.
func startMockModel(t *testing.T) string {
	t.Helper()
	server := mockmodel.New(zaptest.NewLogger(t))
	baseURL, err := server.Start("127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, server.Close(context.Background())) })
	return baseURL
}

// cliRun is one Claude Code process on a PTY and everything it printed.
type cliRun struct {
	cmd    *exec.Cmd
	master *os.File
	mu     sync.Mutex
	output bytes.Buffer
	read   chan struct{}
	exited chan error
}

// startCLI starts the CLI with args on a 120x40 PTY in workspace, with env
// (from prepareEnv) plus PATH and TERM. The test cleanup kills the process if
// it is still running.
func startCLI(t *testing.T, bin, workspace string, env []string, args ...string) *cliRun {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = workspace
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "TERM=xterm-256color"}, env...)
	master, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 120})
	require.NoError(t, err)
	run := &cliRun{cmd: cmd, master: master, read: make(chan struct{}), exited: make(chan error, 1)}
	go run.copyOutput()
	go func() { run.exited <- cmd.Wait() }()
	t.Cleanup(func() { run.stop(t) })
	return run
}

// copyOutput keeps everything the CLI writes until the PTY closes (EIO
// once the process and its children have exited).
func (r *cliRun) copyOutput() {
	defer close(r.read)
	buf := make([]byte, 32<<10)
	for {
		n, err := r.master.Read(buf)
		r.mu.Lock()
		r.output.Write(buf[:n])
		r.mu.Unlock()
		if err != nil {
			return
		}
	}
}

// Output returns a copy of the bytes the CLI has written so far.
func (r *cliRun) Output() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return bytes.Clone(r.output.Bytes())
}

// typeText writes text to the PTY.
func (r *cliRun) typeText(t *testing.T, text string) {
	t.Helper()
	_, err := r.master.Write([]byte(text))
	require.NoError(t, err)
}

// wait waits for the process to exit and returns its exit code.
func (r *cliRun) wait(t *testing.T, timeout time.Duration) int {
	t.Helper()
	select {
	case err := <-r.exited:
		r.exited <- err
		<-r.read
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			return exitErr.ExitCode()
		}
		require.NoError(t, err)
		return 0
	case <-time.After(timeout):
		t.Fatalf("Claude Code did not exit within %s; output:\n%q", timeout, r.Output())
		return -1
	}
}

// stop kills the process if it still runs, then closes the PTY.
func (r *cliRun) stop(t *testing.T) {
	select {
	case err := <-r.exited:
		r.exited <- err
	default:
		_ = r.cmd.Process.Signal(syscall.SIGKILL)
		<-r.exited
	}
	assert.NoError(t, r.master.Close())
	<-r.read
}

// waitFor polls cond every 50 ms until it holds or timeout passes.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool, output func() []byte) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s; output:\n%q", timeout, what, output())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// prepareEnv returns a fresh CLI environment for baseURL that trusts
// workspace, and its config directory.
func prepareEnv(t *testing.T, baseURL, workspace string, extra ...string) ([]string, string) {
	t.Helper()
	dir := t.TempDir()
	env, err := claudeenv.Prepare(dir, baseURL, workspace)
	require.NoError(t, err)
	return append(env, extra...), filepath.Join(dir, "claude-config")
}

// saveCapture writes data to testdata/name when the tests run with -update.
func saveCapture(t *testing.T, name string, data []byte) {
	t.Helper()
	if !*update {
		return
	}
	require.NoError(t, os.WriteFile(filepath.Join("testdata", name), data, 0o644))
}
