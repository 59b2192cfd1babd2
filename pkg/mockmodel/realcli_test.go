package mockmodel

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
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

	server := New(zaptest.NewLogger(t))
	baseURL, err := server.Start("127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, server.Close(context.Background())) })

	workspace := t.TempDir()
	configDir := t.TempDir()
	seed := []byte(`{"hasCompletedOnboarding":true}`)
	require.NoError(t, os.WriteFile(filepath.Join(configDir, ".claude.json"), seed, 0o600))
	prompt := "create hello.txt [[write file=hello.txt]]"

	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, claudeBin, "-p", prompt,
		"--output-format", "stream-json", "--verbose", "--permission-mode", "acceptEdits")
	cmd.Dir = workspace
	cmd.Env = claudeEnv(baseURL, t.TempDir(), configDir, t.TempDir())
	// A process group lets the timeout kill any helper process the CLI starts.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr

	runErr := cmd.Run()
	require.NoError(t, runErr, "stdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
	content, readErr := os.ReadFile(filepath.Join(workspace, "hello.txt"))
	require.NoError(t, readErr, "stdout:\n%s", stdout.String())
	result := lastResultLine(t, stdout.Bytes())

	assert.Equal(t, "Written by the scripted model for the prompt: "+prompt+"\n", string(content))
	assert.Equal(t, false, result["is_error"])
	assert.Equal(t, "Done: wrote hello.txt.", result["result"])
	assert.Equal(t, int64(2), server.Stats().Main)
	assert.Equal(t, int64(0), server.Stats().Errors)
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
