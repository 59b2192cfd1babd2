package mockmodel

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap/zaptest"

	"github.com/axiom-mcp/axiom-mcp/internal/realclaude"
)

func TestRealCLIWritesFile(t *testing.T) {
	claudeBin := realclaude.Binary(t)
	server, baseURL := startRealServer(t)
	workspace := t.TempDir()
	prompt := "create hello.txt [[write file=hello.txt]]"

	stdout := runClaude(t, claudeBin, baseURL, workspace, prompt, []string{"--permission-mode", "acceptEdits"}, nil)
	content, readErr := os.ReadFile(filepath.Join(workspace, "hello.txt"))
	require.NoError(t, readErr, "stdout:\n%s", stdout)
	result := lastResultLine(t, stdout)

	assert.Equal(t, "Written by the scripted model for the prompt: "+prompt+"\n", string(content))
	assert.Equal(t, false, result["is_error"])
	assert.Equal(t, "Done: wrote hello.txt.", result["result"])
	assert.Equal(t, int64(2), server.Stats().Main)
	assert.Equal(t, int64(0), server.Stats().Errors)
}

func TestRealCLIScripts(t *testing.T) {
	claudeBin := realclaude.Binary(t)
	const notes = "first line\nsecond line\n"
	cases := []struct {
		name   string
		prompt string
		env    []string
		// files maps names in the workspace to their content after the run.
		files  map[string]string
		result string
		// errors is the number of scripted error responses.
		errors int64
	}{
		{
			name:   "bash and edit",
			prompt: `[[bash command="echo hi > ran.txt"]] [[edit file=notes.txt]]`,
			files:  map[string]string{"ran.txt": "hi\n", "notes.txt": "first line" + editSuffix + "\nsecond line\n"},
			result: "Done: ran `echo hi > ran.txt`, read notes.txt, edited notes.txt.",
		},
		{
			name:   "todo and research",
			prompt: "[[todo items=2]] [[research steps=2]]",
			files:  map[string]string{"notes.txt": notes},
			result: `Done: created task "Scripted task 1 of 2", created task "Scripted task 2 of 2", ` +
				"ran `grep -rlI -e '.' -- 'WORKSPACE'`, read notes.txt.",
		},
		{
			name:   "overloaded once then write",
			prompt: "[[error status=529 times=1]] [[write file=a.txt]]",
			env:    []string{"CLAUDE_CODE_MAX_RETRIES=2"},
			files: map[string]string{
				"notes.txt": notes,
				"a.txt":     fileContentPrefix + "[[error status=529 times=1]] [[write file=a.txt]]\n",
			},
			result: "Done: wrote a.txt.",
			errors: 1,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			server, baseURL := startRealServer(t)
			workspace := t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(workspace, "notes.txt"), []byte(notes), 0o600))
			args := []string{"--permission-mode", "bypassPermissions"}
			// Claude Code 2.1.197 rejects bypassPermissions as root unless
			// IS_SANDBOX=1.
			env := append([]string{"IS_SANDBOX=1"}, tc.env...)

			stdout := runClaude(t, claudeBin, baseURL, workspace, tc.prompt, args, env)
			result := lastResultLine(t, stdout)
			entries, readErr := os.ReadDir(workspace)
			require.NoError(t, readErr)
			names := make([]string, 0, len(entries))
			for _, entry := range entries {
				names = append(names, entry.Name())
			}

			assert.Equal(t, false, result["is_error"], "stdout:\n%s", stdout)
			assert.Equal(t, strings.ReplaceAll(tc.result, "WORKSPACE", workspace), result["result"])
			assert.Empty(t, failedToolResults(t, stdout))
			assert.ElementsMatch(t, slices.Collect(maps.Keys(tc.files)), names)
			for name, want := range tc.files {
				content, err := os.ReadFile(filepath.Join(workspace, name))
				require.NoError(t, err)
				assert.Equal(t, want, string(content), "file %s", name)
			}
			assert.Equal(t, tc.errors, server.Stats().Errors)
		})
	}
}

func TestRealCLIStructuredOutput(t *testing.T) {
	claudeBin := realclaude.Binary(t)
	server, baseURL := startRealServer(t)
	workspace := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(workspace, "answer.json"), []byte(`{"summary":"from the file"}`), 0o600))
	schema := `{"type":"object","properties":{"summary":{"type":"string"}},"required":["summary"],"additionalProperties":false}`

	stdout := runClaude(t, claudeBin, baseURL, workspace, "answer [[structured file=answer.json]]",
		[]string{"--json-schema", schema}, nil)
	result := lastResultLine(t, stdout)

	assert.Equal(t, false, result["is_error"], "stdout:\n%s", stdout)
	assert.Equal(t, map[string]any{"summary": "from the file"}, result["structured_output"])
	assert.Equal(t, int64(1), server.Stats().Main)
}

// startRealServer starts a Server on loopback for a CLI run and closes it
// when the test ends.
func startRealServer(t *testing.T) (*Server, string) {
	t.Helper()
	server := New(zaptest.NewLogger(t))
	baseURL, err := server.Start("127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, server.Close(context.Background())) })
	return server, baseURL
}

// runClaude runs claude -p prompt in workspace with stream-json output and
// returns its stdout. It fails the test when the CLI exits with an error.
func runClaude(t *testing.T, claudeBin, baseURL, workspace, prompt string, args, env []string) []byte {
	t.Helper()
	configDir := t.TempDir()
	seed := []byte(`{"hasCompletedOnboarding":true}`)
	require.NoError(t, os.WriteFile(filepath.Join(configDir, ".claude.json"), seed, 0o600))

	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	fullArgs := append([]string{"-p", prompt, "--output-format", "stream-json", "--verbose"}, args...)
	cmd := exec.CommandContext(ctx, claudeBin, fullArgs...)
	cmd.Dir = workspace
	cmd.Env = append(claudeEnv(baseURL, t.TempDir(), configDir, t.TempDir()), env...)
	// A process group lets the timeout kill any helper process the CLI starts.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr

	runErr := cmd.Run()
	require.NoError(t, runErr, "stdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
	return stdout.Bytes()
}

// failedToolResults returns the content of every tool_result with is_error
// in the stream-json output.
func failedToolResults(t *testing.T, output []byte) []string {
	t.Helper()
	var failed []string
	for line := range bytes.Lines(output) {
		var record struct {
			Type    string `json:"type"`
			Message struct {
				Content json.RawMessage `json:"content"`
			} `json:"message"`
		}
		if json.Unmarshal(line, &record) != nil || record.Type != "user" {
			continue
		}
		blocks, err := parseBlocks(record.Message.Content)
		require.NoError(t, err)
		for _, block := range blocks {
			if block.Type == "tool_result" && block.IsError {
				failed = append(failed, blockText(block.Content))
			}
		}
	}
	return failed
}

// claudeEnv returns the CLI environment: the fake server as API, fresh home,
// config and temp directories, and every switch that stops other traffic.
func claudeEnv(baseURL, home, configDir, tmpDir string) []string {
	return []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + home,
		"TMPDIR=" + tmpDir,
		"CLAUDE_CONFIG_DIR=" + configDir,
		"CLAUDE_CODE_TMPDIR=" + tmpDir,
		"ANTHROPIC_BASE_URL=" + baseURL,
		"ANTHROPIC_AUTH_TOKEN=test",
		"CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1",
		"CLAUDE_CODE_DISABLE_OFFICIAL_MARKETPLACE_AUTOINSTALL=1",
		"DISABLE_TELEMETRY=1",
		"DISABLE_ERROR_REPORTING=1",
		"DISABLE_AUTOUPDATER=1",
	}
}

// lastResultLine returns the last stream-json line of type "result".
func lastResultLine(t *testing.T, output []byte) map[string]any {
	t.Helper()
	var result map[string]any
	scanner := bufio.NewScanner(bytes.NewReader(output))
	scanner.Buffer(make([]byte, 0, 1<<20), 16<<20)
	for scanner.Scan() {
		var line map[string]any
		if json.Unmarshal(scanner.Bytes(), &line) == nil && line["type"] == "result" {
			result = line
		}
	}
	require.NoError(t, scanner.Err())
	require.NotNil(t, result, "no result line in output:\n%s", output)
	return result
}
