package claudecode

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/axiom-mcp/axiom-mcp/internal/claudeenv"
	"github.com/axiom-mcp/axiom-mcp/internal/realclaude"
)

// The tests in this file run the real Claude Code CLI against the scripted
// model server on loopback. With -update they rewrite the testdata captures
// that the other tests parse.

const (
	writePrompt      = "make a.txt [[write file=a.txt]]"
	overloadedPrompt = "make a.txt [[error status=529]]"
	interactiveWrite = "make t.txt [[write file=t.txt]]"
	interactiveError = "make t.txt [[error status=529]]"
)

// runPrint runs claude -p with stream-json output on a PTY and returns its
// exit code and the raw PTY output.
func runPrint(t *testing.T, prompt string, extraEnv []string, extraArgs ...string) (int, []byte) {
	t.Helper()
	bin := realclaude.Binary(t)
	workspace := t.TempDir()
	env, _ := prepareEnv(t, startMockModel(t), workspace, extraEnv...)
	args := append([]string{"-p", prompt, "--output-format", "stream-json", "--verbose"}, extraArgs...)
	run := startCLI(t, bin, workspace, env, args...)
	code := run.wait(t, 60*time.Second)
	return code, run.Output()
}

func TestRealPrintWrite(t *testing.T) {
	code, output := runPrint(t, writePrompt, nil, "--permission-mode", "acceptEdits")

	require.Equal(t, 0, code, "output:\n%q", output)
	checkPrintWrite(t, output)
	saveCapture(t, printWriteCapture, output)
}

func TestRealPrintOverloaded(t *testing.T) {
	code, output := runPrint(t, overloadedPrompt, []string{"CLAUDE_CODE_MAX_RETRIES=2"},
		"--permission-mode", "acceptEdits")

	require.Equal(t, 1, code, "output:\n%q", output)
	checkPrintOverloaded(t, output)
	saveCapture(t, printOverloadedCapture, output)
}

func TestRealPrintDenied(t *testing.T) {
	code, output := runPrint(t, writePrompt, nil)

	require.Equal(t, 0, code, "output:\n%q", output)
	checkPrintDenied(t, output)
	saveCapture(t, printDeniedCapture, output)
}

// interactiveSession is an interactive CLI run with a known session ID and
// a Transcript that follows it while it runs.
type interactiveSession struct {
	run        *cliRun
	workspace  string
	transcript *Transcript
	total      TranscriptUpdate
}

// startInteractive starts the CLI in acceptEdits mode in a trusted
// workspace and waits for the idle prompt.
func startInteractive(t *testing.T, extraEnv ...string) *interactiveSession {
	t.Helper()
	bin := realclaude.Binary(t)
	workspace := t.TempDir()
	env, _ := prepareEnv(t, startMockModel(t), workspace, extraEnv...)
	sessionID := NewSessionID()
	run := startCLI(t, bin, workspace, env, "--session-id", sessionID, "--permission-mode", "acceptEdits")
	waitFor(t, 30*time.Second, "the idle prompt", func() bool {
		return bytes.Contains(run.Output(), []byte("❯"))
	}, run.Output)
	return &interactiveSession{run: run, workspace: workspace, transcript: NewTranscript(ConfigDir(env), sessionID)}
}

// submit types text, pauses so the CLI does not take "\r" as part of a
// paste, and presses Enter.
func (s *interactiveSession) submit(t *testing.T, text string) {
	t.Helper()
	s.run.typeText(t, text)
	time.Sleep(150 * time.Millisecond)
	s.run.typeText(t, "\r")
}

// poll adds the transcript's new records to the running total.
func (s *interactiveSession) poll(t *testing.T) {
	t.Helper()
	update, err := s.transcript.Poll()
	require.NoError(t, err)
	addUpdate(&s.total, update)
}

// waitForTurn polls the transcript until it has a turn_duration record and
// the file named wantFile (if any) exists in the workspace. It checks the
// file's raw bytes, so the wait does not rely on the code under test.
func (s *interactiveSession) waitForTurn(t *testing.T, wantFile string) {
	t.Helper()
	waitFor(t, 60*time.Second, "a finished turn", func() bool {
		s.poll(t)
		if wantFile != "" {
			if _, err := os.Stat(filepath.Join(s.workspace, wantFile)); err != nil {
				return false
			}
		}
		path := s.transcript.Path()
		if path == "" {
			return false
		}
		data, err := os.ReadFile(path)
		return err == nil && bytes.Contains(data, []byte(`"subtype":"turn_duration"`))
	}, s.run.Output)
}

// exit sends /exit, waits for the CLI to exit with code 0 and polls once
// more. It returns the transcript's content.
func (s *interactiveSession) exit(t *testing.T) []byte {
	t.Helper()
	s.submit(t, "/exit")
	require.Equal(t, 0, s.run.wait(t, 30*time.Second))
	s.poll(t)
	data, err := os.ReadFile(s.transcript.Path())
	require.NoError(t, err)
	return data
}

func TestRealInteractiveWrite(t *testing.T) {
	session := startInteractive(t)

	session.submit(t, interactiveWrite)
	session.waitForTurn(t, "t.txt")
	data := session.exit(t)

	require.Len(t, session.total.Tools, 1)
	assert.Equal(t, "Write", session.total.Tools[0].Name)
	assert.Equal(t, KindCode, session.total.Tools[0].Kind)
	assert.Equal(t, 1, session.total.TurnsFinished)
	assert.NotEmpty(t, session.total.Title)
	assert.Empty(t, session.total.APIErrors)
	checkInteractiveWrite(t, data)
	saveCapture(t, interactiveWriteCapture, data)
}

func TestRealInteractiveOverloaded(t *testing.T) {
	session := startInteractive(t, "CLAUDE_CODE_MAX_RETRIES=1")

	session.submit(t, interactiveError)
	session.waitForTurn(t, "")
	data := session.exit(t)

	require.Len(t, session.total.APIErrors, 1)
	assert.Contains(t, session.total.APIErrors[0], "529")
	checkInteractiveOverloaded(t, data)
	saveCapture(t, interactiveOverloadedCapture, data)
}

// startUntrusted starts the interactive CLI in a workspace that the seeded
// config does not trust. trust, when set, runs on the config file first. It
// returns the output once the CLI shows "❯", which the trust dialog and the
// idle prompt both draw.
func startUntrusted(t *testing.T, trust func(configFile, workspace string)) []byte {
	t.Helper()
	bin := realclaude.Binary(t)
	workspace := t.TempDir()
	dir := t.TempDir()
	env, err := claudeenv.Prepare(dir, startMockModel(t), filepath.Join(dir, "elsewhere"))
	require.NoError(t, err)
	if trust != nil {
		trust(ConfigFile(env), workspace)
	}
	run := startCLI(t, bin, workspace, env)
	waitFor(t, 30*time.Second, "the trust dialog or the idle prompt", func() bool {
		return bytes.Contains(run.Output(), []byte("❯"))
	}, run.Output)
	// The dialog's title is drawn just before its options.
	time.Sleep(300 * time.Millisecond)
	return run.Output()
}

func TestRealTrustSkipsTrustDialog(t *testing.T) {
	untrusted := startUntrusted(t, nil)
	trusted := startUntrusted(t, func(configFile, workspace string) {
		require.NoError(t, Trust(configFile, workspace))
	})

	assert.Contains(t, string(untrusted), "Accessing", "without Trust the dialog must show")
	assert.NotContains(t, string(trusted), "Accessing")
}
