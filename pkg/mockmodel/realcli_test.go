package mockmodel

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap/zaptest"
)

// unshareHint is the command that runs the real-CLI test with loopback as the
// only network interface.
const unshareHint = "run it as root with: unshare -n sh -c 'ip link set lo up && go test ./pkg/mockmodel/ -run RealCLI -v'"

func TestRealCLIWritesFile(t *testing.T) {
	claudeBin := findClaudeBinary(t)
	requireLoopbackOnly(t)

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

// findClaudeBinary returns the CLI named by AXIOM_CLAUDE_BIN, or the copy
// installed under .cache/npm in the module root, and skips the test when
// neither exists.
func findClaudeBinary(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv("AXIOM_CLAUDE_BIN"); bin != "" {
		if _, err := os.Stat(bin); err != nil {
			t.Skipf("AXIOM_CLAUDE_BIN=%q is not usable (%v): install Claude Code 2.1.197 or fix the variable", bin, err)
		}
		return bin
	}
	root, err := moduleRoot()
	if err != nil {
		t.Skipf("Claude Code CLI not found: %v; set AXIOM_CLAUDE_BIN", err)
	}
	bin := filepath.Join(root, ".cache", "npm", "node_modules", ".bin", "claude")
	if _, err := os.Stat(bin); err != nil {
		t.Skipf("Claude Code CLI not found at %s: run npm install --prefix .cache/npm @anthropic-ai/claude-code@2.1.197 or set AXIOM_CLAUDE_BIN", bin)
	}
	return bin
}

// moduleRoot returns the nearest directory at or above the working directory
// that contains go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// requireLoopbackOnly skips the test unless every network interface is a
// loopback interface, because the CLI must not reach any other host.
func requireLoopbackOnly(t *testing.T) {
	t.Helper()
	interfaces, err := net.Interfaces()
	require.NoError(t, err)
	for _, iface := range interfaces {
		if iface.Flags&net.FlagLoopback == 0 {
			t.Skipf("network interface %s is not loopback, so the CLI could reach other hosts: %s", iface.Name, unshareHint)
		}
	}
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
