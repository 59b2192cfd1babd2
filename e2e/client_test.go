package e2e

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap/zaptest"

	"github.com/axiom-mcp/axiom-mcp/internal/claudeenv"
	"github.com/axiom-mcp/axiom-mcp/internal/realclaude"
	"github.com/axiom-mcp/axiom-mcp/pkg/mockmodel"
	"github.com/axiom-mcp/axiom-mcp/pkg/tools"
)

// axiomTools are the names under which Claude Code 2.1.197 offers the
// server's tools to the model: mcp__<server name in the config>__<tool>.
var axiomTools = []string{"mcp__axiom__spawn", "mcp__axiom__wait", "mcp__axiom__status"}

// TestClaudeCodeDrivesAxiom runs the real Claude Code CLI in print mode with
// axiom-mcp as its stdio MCP server. The scripted model calls spawn with
// three tasks, then wait, then status. The status the model received shows
// the three tasks succeeded, the test agent wrote its files in each
// workspace, and no process of the run is left once the CLI exits.
func TestClaudeCodeDrivesAxiom(t *testing.T) {
	claude := realclaude.Binary(t)
	dir := t.TempDir()
	model := mockmodel.New(zaptest.NewLogger(t))
	baseURL, err := model.Start("127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = model.Close(context.Background()) })

	project := filepath.Join(dir, "project")
	root := filepath.Join(dir, "workspaces")
	require.NoError(t, os.MkdirAll(project, 0o755))
	env, err := claudeenv.Prepare(filepath.Join(dir, "claude"), baseURL, project)
	require.NoError(t, err)
	env = append(env, "ANTHROPIC_AUTH_TOKEN=test")

	config := writeJSON(t, dir, "mcp.json", map[string]any{"mcpServers": map[string]any{"axiom": map[string]any{
		"type":    "stdio",
		"command": serverBin,
		"args": []string{"--agent", agentBin, "--workspace-root", root, "--tick", "200ms", "--kill-grace", "2s",
			"--log-file", filepath.Join(dir, "axiom.log")},
	}}})
	spawnArgs := writeJSON(t, dir, "spawn.json", map[string]any{"tasks": []map[string]any{
		{"name": "alpha", "prompt": "productive:2"},
		{"name": "beta", "prompt": "productive:2"},
		{"name": "gamma", "prompt": "productive:2"},
	}})
	waitArgs := writeJSON(t, dir, "wait.json", map[string]any{"timeout_seconds": 30})
	statusArgs := writeJSON(t, dir, "status.json", map[string]any{"tail_lines": 1})
	prompt := "Run three tasks and report [[call tool=mcp__axiom__spawn args=" + spawnArgs + "]] " +
		"[[call tool=mcp__axiom__wait args=" + waitArgs + "]] [[call tool=mcp__axiom__status args=" + statusArgs + "]]"

	result := runClaudePrint(t, claude, project, env, prompt, config)
	assert.False(t, result.IsError, "result: %s", result.Result)
	assert.Equal(t, "Done: called mcp__axiom__spawn, called mcp__axiom__wait, called mcp__axiom__status.",
		result.Result)

	results := toolResults(model.Requests())
	require.Len(t, results, 3, "the model received three tool results: %v", results)
	var spawned tools.SpawnOutput
	require.NoError(t, json.Unmarshal([]byte(results[0]), &spawned), "spawn result: %s", results[0])
	var waited tools.WaitOutput
	require.NoError(t, json.Unmarshal([]byte(results[1]), &waited), "wait result: %s", results[1])
	var st tools.StatusOutput
	require.NoError(t, json.Unmarshal([]byte(results[2]), &st), "status result: %s", results[2])

	require.Len(t, spawned.Tasks, 3)
	assert.True(t, waited.Done, "wait returned with every task final")
	assert.Len(t, waited.Finished, 3)
	assert.Equal(t, 3, st.Pool.Succeeded)
	require.Len(t, st.Tasks, 3)
	for _, task := range st.Tasks {
		assert.Equal(t, "succeeded", task.State, "task %s: %s", task.Name, task.LastError)
	}
	for _, task := range spawned.Tasks {
		assert.FileExists(t, filepath.Join(task.Workspace, "file-1.txt"), "task %s", task.Name)
		assert.FileExists(t, filepath.Join(task.Workspace, "file-2.txt"), "task %s", task.Name)
	}

	require.Eventually(t, func() bool { return len(processesUsing(t, dir)) == 0 }, 20*time.Second,
		100*time.Millisecond, "processes of the run are left: %v", processesUsing(t, dir))
	for _, inst := range st.Instances {
		assert.True(t, processGone(inst.PID), "instance %s (pid %d) ended", inst.ID, inst.PID)
	}
}

// printResult contains the fields of Claude Code's --output-format json
// result that the test reads.
type printResult struct {
	IsError           bool              `json:"is_error"`
	Result            string            `json:"result"`
	PermissionDenials []json.RawMessage `json:"permission_denials"`
}

// runClaudePrint runs the CLI once in print mode in dir with axiom-mcp from
// config as its only MCP server and the axiom tools allowed, and returns
// its result.
func runClaudePrint(t *testing.T, claude, dir string, env []string, prompt, config string) printResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 120*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, claude, "-p", prompt, "--output-format", "json",
		"--mcp-config", config, "--strict-mcp-config", "--allowedTools", strings.Join(axiomTools, ","))
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stderr syncBuffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "claude failed; stdout:\n%s\nstderr:\n%s", out, stderr.String())
	var result printResult
	require.NoError(t, json.Unmarshal(out, &result), "stdout: %s", out)
	assert.Empty(t, result.PermissionDenials, "every axiom tool call was allowed")
	return result
}

// toolResults returns the tool results that the main requests carried, in
// order.
func toolResults(entries []mockmodel.RequestLog) []string {
	var results []string
	for _, entry := range entries {
		if entry.Kind == "main" && entry.ToolResult != "" {
			results = append(results, entry.ToolResult)
		}
	}
	return results
}

// writeJSON writes v as JSON to dir/name and returns the path.
func writeJSON(t *testing.T, dir, name string, v any) string {
	t.Helper()
	data, err := json.Marshal(v)
	require.NoError(t, err)
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, data, 0o600))
	return path
}

// processesUsing lists the processes whose command line names dir or whose
// working directory lies under it, as "pid command".
func processesUsing(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	require.NoError(t, err)
	var found []string
	for _, entry := range entries {
		pid, err := strconv.Atoi(entry.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", entry.Name(), "cmdline"))
		if err != nil {
			continue
		}
		cwd, _ := os.Readlink(filepath.Join("/proc", entry.Name(), "cwd"))
		command := strings.ReplaceAll(string(cmdline), "\x00", " ")
		if strings.Contains(command, dir) || strings.HasPrefix(cwd, dir) {
			found = append(found, entry.Name()+" "+command)
		}
	}
	return found
}
