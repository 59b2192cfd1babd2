package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// tuiWait bounds each wait for the terminal UI to draw a frame or exit.
const tuiWait = 10 * time.Second

// tuiSession is the test agent running in a pseudo-terminal, with its
// output collected by a goroutine.
type tuiSession struct {
	cmd      *exec.Cmd
	master   *os.File
	exited   chan struct{} // closed once cmd.ProcessState is set
	readDone chan struct{} // closed once the master reports the end of output

	mu     sync.Mutex
	output []byte
}

// startTUI runs the agent with directives in a 60 x 20 terminal in dir and
// kills it when the test ends.
func startTUI(t *testing.T, bin, dir, directives string) *tuiSession {
	t.Helper()
	cmd := exec.Command(bin, directives)
	cmd.Dir = dir
	master, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: 60, Rows: 20})
	require.NoError(t, err)
	s := &tuiSession{cmd: cmd, master: master, exited: make(chan struct{}), readDone: make(chan struct{})}
	go func() {
		defer close(s.readDone)
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			s.mu.Lock()
			s.output = append(s.output, buf[:n]...)
			s.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	go func() {
		defer close(s.exited)
		_ = cmd.Wait()
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-s.exited
		_ = master.Close()
		<-s.readDone
	})
	return s
}

// frames returns the frames drawn so far, split at each clear-screen.
func (s *tuiSession) frames() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	parts := strings.Split(string(s.output), clearScreen)
	return parts[1:]
}

// frame returns the last frame drawn, or "" before the first.
func (s *tuiSession) frame() string {
	frames := s.frames()
	if len(frames) == 0 {
		return ""
	}
	return frames[len(frames)-1]
}

// waitFrame waits until the last frame contains want.
func (s *tuiSession) waitFrame(t *testing.T, want string) {
	t.Helper()
	require.Eventually(t, func() bool { return strings.Contains(s.frame(), want) }, tuiWait,
		10*time.Millisecond, "no frame with %q; last frame:\n%s", want, s.frame())
}

// waitFrameCount waits until at least n frames have been drawn, which shows
// that the UI has read every key sent before its (n-1)th redraw.
func (s *tuiSession) waitFrameCount(t *testing.T, n int) {
	t.Helper()
	require.Eventually(t, func() bool { return len(s.frames()) >= n }, tuiWait,
		10*time.Millisecond, "fewer than %d frames drawn", n)
}

func (s *tuiSession) send(t *testing.T, data string) {
	t.Helper()
	_, err := s.master.WriteString(data)
	require.NoError(t, err)
}

// waitExit waits for the agent to exit and for its last output, and returns
// its exit code, or 128 plus the signal number when a signal ended it.
func (s *tuiSession) waitExit(t *testing.T) int {
	t.Helper()
	for _, done := range []chan struct{}{s.exited, s.readDone} {
		select {
		case <-done:
		case <-time.After(tuiWait):
			t.Fatalf("terminal UI still running after %v; last frame:\n%s", tuiWait, s.frame())
		}
	}
	status, ok := s.cmd.ProcessState.Sys().(syscall.WaitStatus)
	require.True(t, ok)
	if status.Signaled() {
		return 128 + int(status.Signal())
	}
	return status.ExitStatus()
}

// echoOn reports whether the terminal echoes input, which raw mode turns
// off. On Linux the settings read through the master are those the agent
// set on its side.
func (s *tuiSession) echoOn(t *testing.T) bool {
	t.Helper()
	settings, err := unix.IoctlGetTermios(int(s.master.Fd()), unix.TCGETS)
	require.NoError(t, err)
	return settings.Lflag&unix.ECHO != 0
}

func paste(text string) string { return pasteStart + text + pasteEnd }

func TestTUI(t *testing.T) {
	bin := buildAgent(t)

	t.Run("turn writes named file", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		s := startTUI(t, bin, dir, "tui-ask tui:0.1")
		s.waitFrame(t, "? for shortcuts")
		assert.False(t, s.echoOn(t), "raw mode turns echo off")

		s.send(t, paste("please create notes.txt."))
		s.waitFrame(t, "❯ please create notes.txt.")
		s.send(t, "\r")
		s.waitFrame(t, "Do you want to create notes.txt?")
		assert.Contains(t, s.frame(), "Esc to cancel")
		s.send(t, "\r")
		s.waitFrame(t, "✻ Baked for 0s")
		assert.Contains(t, s.frame(), "Wrote notes.txt")
		frames := s.frames()
		questionFrame := slices.IndexFunc(frames, func(f string) bool { return strings.Contains(f, "Do you want to") })
		busy := slices.ContainsFunc(frames[questionFrame+1:], func(f string) bool { return strings.Contains(f, busyFooter) })
		assert.True(t, busy, "works again after the answer")
		assert.Equal(t, "prompt: please create notes.txt.\nenter presses: 1\n", readFile(t, filepath.Join(dir, "notes.txt")))

		s.send(t, "/exit")
		s.waitFrame(t, "❯ /exit")
		s.send(t, "\r")
		assert.Equal(t, 0, s.waitExit(t))
		assert.True(t, s.echoOn(t), "terminal settings restored")
		s.mu.Lock()
		output := string(s.output)
		s.mu.Unlock()
		assert.Contains(t, output, bracketedPasteOn)
		assert.Contains(t, output, bracketedPasteOff)
	})

	t.Run("turn shows the busy footer", func(t *testing.T) {
		t.Parallel()
		s := startTUI(t, bin, t.TempDir(), "tui:5")
		s.waitFrame(t, "? for shortcuts")
		s.send(t, "hello")
		s.waitFrame(t, "❯ hello")
		s.send(t, "\r")
		s.waitFrame(t, "esc to interrupt")
		assert.Contains(t, s.frame(), "Baking…")
		assert.NotContains(t, s.frame(), "? for shortcuts")
	})

	t.Run("Esc declines the question", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		s := startTUI(t, bin, dir, "tui-ask tui:0")
		s.waitFrame(t, "? for shortcuts")
		s.send(t, paste("go"))
		s.waitFrame(t, "❯ go")
		s.send(t, "\r")
		s.waitFrame(t, "Do you want to create tui.txt?")
		s.send(t, "\x1b")
		s.waitFrame(t, "Did not write tui.txt")
		assert.NoFileExists(t, filepath.Join(dir, "tui.txt"))
	})

	t.Run("dialog continues after down and enter", func(t *testing.T) {
		t.Parallel()
		s := startTUI(t, bin, t.TempDir(), "tui-dialog:pick tui")
		s.waitFrame(t, "❯ 1. No")
		assert.Contains(t, s.frame(), "Pick an option")
		s.send(t, "\x1b[B")
		s.waitFrame(t, "❯ 2. Yes")
		s.send(t, "\r")
		s.waitFrame(t, "? for shortcuts")
	})

	t.Run("dialog answered No exits 1", func(t *testing.T) {
		t.Parallel()
		s := startTUI(t, bin, t.TempDir(), "tui-dialog:pick tui")
		s.waitFrame(t, "Pick an option")
		s.send(t, "\r")
		assert.Equal(t, 1, s.waitExit(t))
	})

	t.Run("stuck dialog ignores keys until SIGTERM", func(t *testing.T) {
		t.Parallel()
		s := startTUI(t, bin, t.TempDir(), "tui-dialog:stuck tui")
		s.waitFrame(t, "Pick an option")
		s.send(t, "\x1b[B")
		s.waitFrameCount(t, 2)
		s.send(t, "\r")
		s.waitFrameCount(t, 3)
		assert.Contains(t, s.frame(), "❯ 1. No")

		require.NoError(t, s.cmd.Process.Signal(syscall.SIGTERM))
		assert.Equal(t, 128+int(syscall.SIGTERM), s.waitExit(t))
		assert.True(t, s.echoOn(t), "terminal settings restored after SIGTERM")
	})

	t.Run("first Enter swallowed", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		s := startTUI(t, bin, dir, "tui-swallow-enter tui:0")
		s.waitFrame(t, "? for shortcuts")
		s.send(t, paste("hi"))
		s.waitFrame(t, "❯ hi")
		s.send(t, "\r")
		s.waitFrameCount(t, 3)
		assert.Contains(t, s.frame(), "❯ hi")
		assert.Contains(t, s.frame(), "? for shortcuts")

		s.send(t, "\r")
		s.waitFrame(t, "✻ Baked for 0s")
		assert.Equal(t, "prompt: hi\nenter presses: 2\n", readFile(t, filepath.Join(dir, "tui.txt")))
	})

	t.Run("Enter with the paste folded", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		s := startTUI(t, bin, dir, "tui-fold-enter tui:0")
		s.waitFrame(t, "? for shortcuts")
		s.send(t, paste("hi")+"\r")
		s.waitFrame(t, "❯ hi")
		time.Sleep(2 * foldWindow)
		assert.NoFileExists(t, filepath.Join(dir, "tui.txt"), "the Enter sent with the paste did not submit")

		s.send(t, "\r")
		s.waitFrame(t, "✻ Baked for 0s")
		assert.Equal(t, "prompt: hi\nenter presses: 2\n", readFile(t, filepath.Join(dir, "tui.txt")))
	})

	t.Run("ignored exit needs a signal", func(t *testing.T) {
		t.Parallel()
		s := startTUI(t, bin, t.TempDir(), "tui-ignore-exit tui:0")
		s.waitFrame(t, "? for shortcuts")
		s.send(t, "/exit")
		s.waitFrame(t, "❯ /exit")
		s.send(t, "\r")
		s.waitFrame(t, "/exit is disabled in this session")
		require.NoError(t, s.cmd.Process.Signal(syscall.SIGTERM))
		assert.Equal(t, 128+int(syscall.SIGTERM), s.waitExit(t))
	})

	t.Run("Ctrl-C exits 130", func(t *testing.T) {
		t.Parallel()
		s := startTUI(t, bin, t.TempDir(), "tui")
		s.waitFrame(t, "? for shortcuts")
		s.send(t, "\x03")
		assert.Equal(t, interruptExitCode, s.waitExit(t))
	})

	t.Run("tui needs a terminal", func(t *testing.T) {
		t.Parallel()
		run := runAgent(t, bin, t.TempDir(), "", "tui")
		assert.Equal(t, 1, run.exitCode)
		assert.Contains(t, run.stderr, "run tui with a terminal on stdin")
	})

	t.Run("unknown dialog", func(t *testing.T) {
		t.Parallel()
		run := runAgent(t, bin, t.TempDir(), "", "tui-dialog:other tui")
		assert.Equal(t, 2, run.exitCode)
		assert.Contains(t, run.stderr, `dialog "other" is unknown`)
	})
}

func TestKeyParser(t *testing.T) {
	cases := []struct {
		name   string
		chunks []string
		want   []key
	}{
		{"text and enter", []string{"ab\r"}, []key{{kind: keyText, text: "ab"}, {kind: keyEnter}}},
		{"arrows", []string{"\x1b[A\x1b[B"}, []key{{kind: keyUp}, {kind: keyDown}}},
		{"lone escape", []string{"\x1b"}, []key{{kind: keyEsc}}},
		{"escape before text", []string{"\x1bx"}, []key{{kind: keyEsc}, {kind: keyText, text: "x"}}},
		{"paste", []string{paste("a\rb")}, []key{{kind: keyPaste, text: "a\rb"}}},
		{"paste split across reads", []string{"\x1b[20", "0~he", "llo\x1b[2", "01~\r"},
			[]key{{kind: keyPaste, text: "hello"}, {kind: keyEnter}}},
		{"unknown sequence skipped", []string{"\x1b[C\x1b[1;5Dz"}, []key{{kind: keyText, text: "z"}}},
		{"control bytes", []string{"\x7f\x03\x01"}, []key{{kind: keyBackspace}, {kind: keyInterrupt}}},
		{"utf-8 text", []string{"❯ é"}, []key{{kind: keyText, text: "❯ é"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var parser keyParser
			var got []key
			for _, chunk := range tc.chunks {
				got = append(got, parser.feed([]byte(chunk))...)
			}
			assert.Equal(t, tc.want, got)
			assert.Empty(t, parser.pending)
		})
	}
}

func TestFileNameIn(t *testing.T) {
	cases := map[string]string{
		"create notes.txt please":   "notes.txt",
		"write out/a.txt and b.md.": "b.md",
		"no file here":              defaultTUIFile,
	}
	for prompt, want := range cases {
		assert.Equal(t, want, fileNameIn(prompt), "prompt %q", prompt)
	}
}

func TestTUIFlipLogsEachSwitch(t *testing.T) {
	bin := buildAgent(t)
	dir := t.TempDir()
	s := startTUI(t, bin, dir, "tui-flip:2 tui:0")
	s.waitFrame(t, "? for shortcuts")
	s.send(t, paste("go"))
	s.waitFrame(t, "❯ go")
	s.send(t, "\r")
	s.waitFrame(t, "Do you want to create flip.txt?")
	s.waitFrame(t, "✻ Baked for")

	lines := strings.Split(strings.TrimSpace(readFile(t, filepath.Join(dir, "flips.log"))), "\n")
	var states []string
	var last int64
	for _, line := range lines {
		at, state, ok := strings.Cut(line, " ")
		require.True(t, ok, "line %q", line)
		nanos, err := strconv.ParseInt(at, 10, 64)
		require.NoError(t, err)
		require.Greater(t, nanos, last, "times rise")
		last = nanos
		states = append(states, state)
	}
	assert.Equal(t, []string{"working", "waiting_input", "working", "waiting_input", "working"}, states)
}
