package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// runLimit bounds each agent run so that a hung agent fails the test.
const runLimit = 30 * time.Second

// agentRun is the outcome of one finished agent process.
type agentRun struct {
	stdout, stderr string
	exitCode       int
}

// buildAgent compiles this package into a temporary directory.
func buildAgent(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "testagent")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	return bin
}

// runAgent runs the agent in dir with args and stdin and waits for it.
func runAgent(t *testing.T, bin, dir, stdin string, args ...string) agentRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), runLimit)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		require.NoError(t, err)
	}
	require.NoError(t, ctx.Err(), "agent %v did not finish within %v", args, runLimit)
	return agentRun{stdout: stdout.String(), stderr: stderr.String(), exitCode: cmd.ProcessState.ExitCode()}
}

// agentProcess is an agent started in its own process group with stdout
// on a pipe. One goroutine waits for it, so that exit checks never race for
// the exit status.
type agentProcess struct {
	cmd    *exec.Cmd
	stdout *bufio.Reader
	exited chan struct{} // closed once cmd.ProcessState is set
}

// startAgent starts the agent and kills its process group when the test
// ends.
func startAgent(t *testing.T, bin, dir string, args ...string) *agentProcess {
	t.Helper()
	// An *os.File as Stdout keeps exec from copying, so reads of r do not
	// race with Wait closing a pipe.
	r, w, err := os.Pipe()
	require.NoError(t, err)
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Stdout = w
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	require.NoError(t, cmd.Start())
	require.NoError(t, w.Close())

	p := &agentProcess{cmd: cmd, stdout: bufio.NewReader(r), exited: make(chan struct{})}
	go func() {
		defer close(p.exited)
		_ = cmd.Wait()
	}()
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-p.exited
		_ = r.Close()
	})
	return p
}

// exitsWithin reports whether the agent exits within d.
func (p *agentProcess) exitsWithin(d time.Duration) bool {
	select {
	case <-p.exited:
		return true
	case <-time.After(d):
		return false
	}
}

// waitExit waits for the agent to exit and returns its state.
func (p *agentProcess) waitExit(t *testing.T) *os.ProcessState {
	t.Helper()
	require.True(t, p.exitsWithin(runLimit), "agent %v still running after %v", p.cmd.Args, runLimit)
	return p.cmd.ProcessState
}

// waitCommand waits for a started command, failing after runLimit.
func waitCommand(t *testing.T, cmd *exec.Cmd) *os.ProcessState {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = cmd.Wait()
	}()
	select {
	case <-done:
		return cmd.ProcessState
	case <-time.After(runLimit):
		_ = cmd.Process.Kill()
		<-done
		t.Fatalf("agent %v still running after %v", cmd.Args, runLimit)
		return nil
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(data)
}

func TestAgent(t *testing.T) {
	bin := buildAgent(t)

	t.Run("productive writes files", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		run := runAgent(t, bin, dir, "", "productive:3")

		assert.Equal(t, 0, run.exitCode)
		assert.Equal(t, "step 1: wrote file-1.txt\nstep 2: wrote file-2.txt\nstep 3: wrote file-3.txt\ndone\n", run.stdout)
		assert.Equal(t, "file 2\n", readFile(t, filepath.Join(dir, "file-2.txt")))
		assert.NoFileExists(t, filepath.Join(dir, "file-4.txt"))
	})

	t.Run("productive defaults to five files", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		run := runAgent(t, bin, dir, "", "productive")

		assert.Equal(t, 0, run.exitCode)
		assert.Equal(t, "file 5\n", readFile(t, filepath.Join(dir, "file-5.txt")))
		assert.NoFileExists(t, filepath.Join(dir, "file-6.txt"))
	})

	t.Run("exit code and ignored leading args", func(t *testing.T) {
		t.Parallel()
		run := runAgent(t, bin, t.TempDir(), "", "--model", "x", "exit:7")

		assert.Equal(t, 7, run.exitCode)
		assert.Equal(t, "exiting with 7\n", run.stdout)
	})

	t.Run("directives run in order", func(t *testing.T) {
		t.Parallel()
		run := runAgent(t, bin, t.TempDir(), "", "print:3 sleep:0.05 exit:5 print:4")

		assert.Equal(t, 5, run.exitCode)
		assert.Equal(t, "aaa\nexiting with 5\n", run.stdout)
	})

	t.Run("unknown directive runs nothing", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		run := runAgent(t, bin, dir, "", "productive:1 bogus")

		assert.Equal(t, 2, run.exitCode)
		assert.Equal(t, "unknown directive: bogus\n", run.stderr)
		assert.NoFileExists(t, filepath.Join(dir, "file-1.txt"))
	})

	t.Run("note after a blank line is printed", func(t *testing.T) {
		t.Parallel()
		run := runAgent(t, bin, t.TempDir(), "", "exit:0\n\nHandoff: attempt 2\n\nmore words")

		assert.Equal(t, 0, run.exitCode)
		assert.Equal(t, "note: Handoff: attempt 2\nnote: more words\nexiting with 0\n", run.stdout)
	})

	t.Run("invalid argument", func(t *testing.T) {
		t.Parallel()
		run := runAgent(t, bin, t.TempDir(), "", "exit:abc")

		assert.Equal(t, 2, run.exitCode)
		assert.Contains(t, run.stderr, `exit code "abc"`)
	})

	t.Run("print keeps the tail", func(t *testing.T) {
		t.Parallel()
		run := runAgent(t, bin, t.TempDir(), "", "print:100000")

		assert.Equal(t, 0, run.exitCode)
		assert.Equal(t, strings.Repeat("a", 100000)+"\n", run.stdout)
	})

	t.Run("flood writes bytes without newline", func(t *testing.T) {
		t.Parallel()
		run := runAgent(t, bin, t.TempDir(), "", "flood:200000")

		assert.Equal(t, 0, run.exitCode)
		assert.Equal(t, strings.Repeat("x", 200000), run.stdout)
	})

	t.Run("say prints its text as a line", func(t *testing.T) {
		t.Parallel()
		run := runAgent(t, bin, t.TempDir(), "", "say:marker-7 say:second")

		assert.Equal(t, 0, run.exitCode)
		assert.Equal(t, "marker-7\nsecond\n", run.stdout)
	})

	t.Run("say needs text", func(t *testing.T) {
		t.Parallel()
		run := runAgent(t, bin, t.TempDir(), "", "say")

		assert.Equal(t, 2, run.exitCode)
		assert.Contains(t, run.stderr, "write say:TEXT")
	})

	t.Run("timestamp appends times in order", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		before := time.Now().UnixNano()
		run := runAgent(t, bin, dir, "", "timestamp:times.txt sleep:0.05 timestamp:times.txt")
		after := time.Now().UnixNano()

		require.Equal(t, 0, run.exitCode, run.stderr)
		lines := strings.Fields(readFile(t, filepath.Join(dir, "times.txt")))
		require.Len(t, lines, 2)
		first, err := strconv.ParseInt(lines[0], 10, 64)
		require.NoError(t, err)
		second, err := strconv.ParseInt(lines[1], 10, 64)
		require.NoError(t, err)
		assert.GreaterOrEqual(t, first, before)
		assert.GreaterOrEqual(t, second-first, int64(50*time.Millisecond))
		assert.LessOrEqual(t, second, after)
	})

	t.Run("timestamp reports an unwritable file", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		run := runAgent(t, bin, dir, "", "timestamp:missing/times.txt")

		assert.Equal(t, 1, run.exitCode)
		assert.Contains(t, run.stderr, "open timestamp file missing/times.txt")
	})

	t.Run("chatty prints distinct lines and no files", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		run := runAgent(t, bin, dir, "", "chatty:0.5")

		lines := strings.Split(strings.TrimSuffix(run.stdout, "\n"), "\n")
		assert.Equal(t, 0, run.exitCode)
		assert.GreaterOrEqual(t, len(lines), 2)
		assert.NotEqual(t, lines[0], lines[1])
		entries, err := os.ReadDir(dir)
		require.NoError(t, err)
		assert.Empty(t, entries)
	})

	t.Run("repeat prints the same line", func(t *testing.T) {
		t.Parallel()
		run := runAgent(t, bin, t.TempDir(), "", "repeat:0.5")

		lines := strings.Split(strings.TrimSuffix(run.stdout, "\n"), "\n")
		assert.Equal(t, 0, run.exitCode)
		require.GreaterOrEqual(t, len(lines), 2)
		assert.Equal(t, "still working on it", lines[0])
		assert.Equal(t, lines[0], lines[len(lines)-1])
	})

	t.Run("echo-input reads lines from a pipe", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		run := runAgent(t, bin, dir, "hello\rsecond line\r\nthird\nquit\rignored\r", "echo-input")

		assert.Equal(t, 0, run.exitCode)
		assert.Equal(t, "ready>\ngot: hello\ngot: second line\ngot: third\n", run.stdout)
		assert.Equal(t, "hello\nsecond line\nthird\n", readFile(t, filepath.Join(dir, "input.txt")))
	})

	t.Run("echo-input ends at end of input", func(t *testing.T) {
		t.Parallel()
		run := runAgent(t, bin, t.TempDir(), "last", "echo-input")

		assert.Equal(t, 0, run.exitCode)
		assert.Equal(t, "ready>\ngot: last\n", run.stdout)
	})

	t.Run("stty prints the terminal size", func(t *testing.T) {
		t.Parallel()
		cmd := exec.Command(bin, "stty")
		terminal, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 33, Cols: 101})
		require.NoError(t, err)
		defer terminal.Close()
		// Reading the PTY master fails with EIO once the agent has exited.
		out, _ := readAll(terminal)
		state := waitCommand(t, cmd)

		assert.Equal(t, 0, state.ExitCode())
		assert.Contains(t, out, "size 33 101")
	})

	t.Run("stty fails without a terminal", func(t *testing.T) {
		t.Parallel()
		run := runAgent(t, bin, t.TempDir(), "", "stty")

		assert.Equal(t, 1, run.exitCode)
		assert.Contains(t, run.stderr, "read terminal size of stdin")
	})

	t.Run("silent-once blocks then succeeds", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		agent := startAgent(t, bin, dir, "silent-once")
		require.Eventually(t, func() bool {
			_, err := os.Stat(filepath.Join(dir, attemptMarker))
			return err == nil
		}, runLimit, 20*time.Millisecond)
		require.False(t, agent.exitsWithin(300*time.Millisecond), "silent agent exited on its own")
		require.NoError(t, agent.cmd.Process.Signal(syscall.SIGTERM))
		output, _ := readAll(agent.stdout)
		state := agent.waitExit(t)
		status, ok := state.Sys().(syscall.WaitStatus)
		require.True(t, ok)
		assert.Equal(t, syscall.SIGTERM, status.Signal())
		assert.Empty(t, output)

		run := runAgent(t, bin, dir, "", "silent-once")
		assert.Equal(t, 0, run.exitCode)
		assert.Equal(t, "file 2\n", readFile(t, filepath.Join(dir, "file-2.txt")))
	})

	t.Run("ignore-term survives SIGTERM", func(t *testing.T) {
		t.Parallel()
		agent := startAgent(t, bin, t.TempDir(), "ignore-term")
		line, err := agent.stdout.ReadString('\n')
		require.NoError(t, err)
		require.Equal(t, "ignoring SIGTERM\n", line)

		require.NoError(t, agent.cmd.Process.Signal(syscall.SIGTERM))
		assert.False(t, agent.exitsWithin(300*time.Millisecond), "agent exited after SIGTERM")
	})

	t.Run("ignore-hup survives SIGHUP", func(t *testing.T) {
		t.Parallel()
		agent := startAgent(t, bin, t.TempDir(), "ignore-hup ignore-term")
		line, err := agent.stdout.ReadString('\n')
		require.NoError(t, err)
		require.Equal(t, "ignoring SIGHUP\n", line)

		require.NoError(t, agent.cmd.Process.Signal(syscall.SIGHUP))
		assert.False(t, agent.exitsWithin(300*time.Millisecond), "agent exited after SIGHUP")
	})

	t.Run("background-child outlives the agent", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		stdoutFile, err := os.Create(filepath.Join(t.TempDir(), "stdout"))
		require.NoError(t, err)
		defer stdoutFile.Close()
		// A file, not a pipe, takes the output: the child inherits it, and
		// Wait would otherwise wait for the child to close the pipe.
		cmd := exec.Command(bin, "background-child")
		cmd.Dir = dir
		cmd.Stdout = stdoutFile
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		require.NoError(t, cmd.Start())
		agentPID := cmd.Process.Pid
		t.Cleanup(func() { _ = syscall.Kill(-agentPID, syscall.SIGKILL) })
		state := waitCommand(t, cmd)

		pid, err := strconv.Atoi(strings.TrimSpace(readFile(t, filepath.Join(dir, "child.pid"))))
		require.NoError(t, err)
		assert.Equal(t, 0, state.ExitCode())
		assert.Equal(t, "started child "+strconv.Itoa(pid)+"\n", readFile(t, stdoutFile.Name()))
		assert.NoError(t, syscall.Kill(pid, 0), "child %d is not running", pid)
		pgid, err := unix.Getpgid(pid)
		require.NoError(t, err)
		assert.Equal(t, agentPID, pgid)
	})

	t.Run("session-child leads its own session", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		stdoutFile, err := os.Create(filepath.Join(t.TempDir(), "stdout"))
		require.NoError(t, err)
		defer stdoutFile.Close()
		cmd := exec.Command(bin, "session-child")
		cmd.Dir = dir
		cmd.Stdout = stdoutFile
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		require.NoError(t, cmd.Start())
		agentPID := cmd.Process.Pid
		t.Cleanup(func() { _ = syscall.Kill(-agentPID, syscall.SIGKILL) })
		state := waitCommand(t, cmd)

		pid, err := strconv.Atoi(strings.TrimSpace(readFile(t, filepath.Join(dir, "session-child.pid"))))
		require.NoError(t, err)
		t.Cleanup(func() { _ = syscall.Kill(pid, syscall.SIGKILL) })
		assert.Equal(t, 0, state.ExitCode())
		want := fmt.Sprintf("started child %d in session %d\n", pid, pid)
		assert.Equal(t, want, readFile(t, stdoutFile.Name()))
		assert.NoError(t, syscall.Kill(pid, 0), "child %d is not running", pid)
		sid, err := unix.Getsid(pid)
		require.NoError(t, err)
		assert.Equal(t, pid, sid)
	})
}

// readAll reads r until an error and returns what it read. A PTY master
// reports EIO rather than EOF when the other side closes.
func readAll(r io.Reader) (string, error) {
	var out bytes.Buffer
	buf := make([]byte, 4096)
	for {
		n, err := r.Read(buf)
		out.Write(buf[:n])
		if err != nil {
			return out.String(), err
		}
	}
}
