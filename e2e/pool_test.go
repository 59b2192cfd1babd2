package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
	"github.com/axiom-mcp/axiom-mcp/pkg/tools"
)

func TestPoolOverStdio(t *testing.T) {
	s := startServer(t, nil, "--agent", agentBin, "--idle-timeout", "3s", "--tick", "200ms")

	listed, err := s.session.ListTools(t.Context(), nil)
	require.NoError(t, err)
	names := map[string]bool{}
	for _, tool := range listed.Tools {
		names[tool.Name] = true
		assert.NotNil(t, tool.OutputSchema, "%s has an output schema", tool.Name)
		assert.NotNil(t, tool.Annotations, "%s has annotations", tool.Name)
	}
	for _, want := range []string{"spawn", "status", "kill", "cancel", "intervene"} {
		assert.True(t, names[want], "tool %s listed", want)
	}

	require.NoError(t, s.session.SetLoggingLevel(t.Context(), &mcp.SetLoggingLevelParams{Level: "info"}))
	var spawned spawnResult
	start := time.Now()
	s.callOK(t, "spawn", map[string]any{"tasks": []map[string]any{
		{"prompt": "productive:3", "name": "writer"},
		{"prompt": "silent-once", "name": "sleeper"},
		{"prompt": "echo-input", "name": "talker"},
	}}, &spawned)
	assert.Less(t, time.Since(start), 5*time.Second, "spawn returns without waiting for agents")
	require.Len(t, spawned.Tasks, 3)
	for _, task := range spawned.Tasks {
		assert.NotEmpty(t, task.InstanceID, "task %s started at once", task.Name)
	}
	writer, sleeper, talker := spawned.Tasks[0], spawned.Tasks[1], spawned.Tasks[2]

	require.Eventually(t, func() bool {
		st := s.status(t, map[string]any{"instance_id": talker.InstanceID})
		return strings.Contains(strings.Join(st.Instances[0].ScreenTail, "\n"), "ready>")
	}, 10*time.Second, 100*time.Millisecond)
	var typed tools.InterveneOutput
	s.callOK(t, "intervene", map[string]any{"instance_id": talker.InstanceID, "text": "hello axiom", "keys": []string{"enter"}}, &typed)
	assert.Equal(t, len("hello axiom")+1, typed.BytesWritten)
	s.callOK(t, "intervene", map[string]any{"instance_id": talker.InstanceID, "text": "quit", "keys": []string{"enter"}}, &typed)

	var victim spawnResult
	s.callOK(t, "spawn", map[string]any{"prompt": "chatty", "name": "victim"}, &victim)
	var killed executor.KillResult
	s.callOK(t, "kill", map[string]any{"instance_id": victim.Tasks[0].InstanceID, "reason": "not needed", "requeue": false}, &killed)
	assert.Equal(t, "killed", killed.State)
	assert.Equal(t, "cancelled", killed.TaskState)

	st := s.waitTasks(t, 60*time.Second)
	assert.Equal(t, "succeeded", findTask(t, st, writer.TaskID).State)
	assert.Equal(t, "succeeded", findTask(t, st, talker.TaskID).State)
	sleeperTask := findTask(t, st, sleeper.TaskID)
	assert.Equal(t, "succeeded", sleeperTask.State, "the idle task succeeds on a later attempt")
	assert.Equal(t, 2, sleeperTask.Attempts)

	byID := map[string]executor.InstanceInfo{}
	for _, inst := range st.Instances {
		byID[inst.ID] = inst
	}
	idle := byID[sleeperTask.Instances[0]]
	assert.Equal(t, "killed", idle.State)
	assert.Contains(t, idle.KillReason, "kill-idle")
	assert.Contains(t, byID[killed.InstanceID].KillReason, "killed by the client: not needed")

	for i := 1; i <= 3; i++ {
		data, err := os.ReadFile(filepath.Join(writer.Workspace, "file-"+string(rune('0'+i))+".txt"))
		require.NoError(t, err)
		assert.Equal(t, "file "+string(rune('0'+i))+"\n", string(data))
	}
	input, err := os.ReadFile(filepath.Join(talker.Workspace, "input.txt"))
	require.NoError(t, err)
	assert.Equal(t, "hello axiom\n", string(input))
	assert.ElementsMatch(t, []string{"file-1.txt", "file-2.txt", "file-3.txt"}, byID[writer.InstanceID].FilesCreated)

	kinds := s.eventKinds()
	assert.Contains(t, kinds, "instance_warning", "a warning notification precedes the idle kill")
	assert.Contains(t, kinds, "instance_killed")
	assert.Contains(t, kinds, "task_finished")

	exitErr, _ := s.stop(t)
	assert.NoError(t, exitErr)
	for _, inst := range st.Instances {
		assert.Empty(t, liveMembers(t, inst.PID), "instance %s left processes", inst.ID)
	}
}

func TestRunCommandPrintsSummary(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "tasks.yaml")
	require.NoError(t, os.WriteFile(file, []byte(`tasks:
  - name: good
    prompt: productive:2
  - name: bad
    prompt: exit:3
    max_attempts: 1
  - name: after-bad
    prompt: exit:0
    depends_on: [bad]
`), 0o600))
	cmd := exec.Command(serverBin, "run", "--agent", agentBin, "--workspace-root", filepath.Join(dir, "ws"), file)
	out, err := cmd.CombinedOutput()
	var exitErr *exec.ExitError
	require.ErrorAs(t, err, &exitErr, "output:\n%s", out)
	assert.Equal(t, 1, exitErr.ExitCode(), "a failed task makes run exit 1")
	text := string(out)
	assert.Regexp(t, `good\s+succeeded\s+1/3\s+2`, text)
	assert.Regexp(t, `bad\s+failed\s+1/1`, text)
	assert.Regexp(t, `after-bad\s+blocked`, text)
	assert.Contains(t, text, "1 succeeded, 1 failed, 0 cancelled, 1 blocked")
}

func TestRunCommandRejectsBadFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "tasks.yaml")
	require.NoError(t, os.WriteFile(file, []byte("tasks:\n  - prompt: x\n    priority: -2\n"), 0o600))
	out, err := exec.Command(serverBin, "run", "--agent", agentBin, "--workspace-root", t.TempDir(), file).CombinedOutput()
	var exitErr *exec.ExitError
	require.ErrorAs(t, err, &exitErr)
	assert.Equal(t, 1, exitErr.ExitCode())
	assert.Contains(t, string(out), "priority -2 is negative")

	require.NoError(t, os.WriteFile(file, []byte("tasks:\n  - promt: x\n"), 0o600))
	out, err = exec.Command(serverBin, "run", "--agent", agentBin, file).CombinedOutput()
	require.ErrorAs(t, err, &exitErr)
	assert.Equal(t, 2, exitErr.ExitCode())
	assert.Contains(t, string(out), "promt", "a misspelt key is named")

	out, err = exec.Command(serverBin, "run", "--agent", agentBin, filepath.Join(t.TempDir(), "missing.yaml")).CombinedOutput()
	require.ErrorAs(t, err, &exitErr)
	assert.Equal(t, 2, exitErr.ExitCode())
	assert.Contains(t, string(out), "missing.yaml")
}

func TestMCP01StdoutCarriesOnlyJSONRPC(t *testing.T) {
	s := startServer(t, nil, "--agent", agentBin, "--debug-tools")
	var spawned spawnResult
	s.callOK(t, "spawn", map[string]any{"tasks": []map[string]any{
		{"prompt": "chatty:2"}, {"prompt": "flood:300000"}, {"prompt": "productive:2"},
	}}, &spawned)
	_, err := s.session.CallTool(t.Context(), &mcp.CallToolParams{Name: "debug_panic", Arguments: map[string]any{}})
	require.Error(t, err, "a panic is reported as a JSON-RPC error")
	assert.Contains(t, err.Error(), "panic recovered")
	s.status(t, nil)
	s.waitTasks(t, 30*time.Second)
	exitErr, _ := s.stop(t)
	require.NoError(t, exitErr)

	s.mu.Lock()
	lines := append([]string(nil), s.lines...)
	s.mu.Unlock()
	require.NotEmpty(t, lines)
	for i, line := range lines {
		var msg map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &msg), "stdout line %d is not JSON: %.200q", i, line)
		assert.Equal(t, "2.0", msg["jsonrpc"], "stdout line %d is not JSON-RPC", i)
	}
	assert.Contains(t, s.stderr.String(), "panic", "the recovered panic is logged to stderr")
}

func TestBadInputGetsToolErrors(t *testing.T) {
	s := startServer(t, nil, "--agent", agentBin)
	cases := []struct {
		tool string
		args map[string]any
		want []string
	}{
		{"kill", map[string]any{"instance_id": "i-unknown"}, []string{`"i-unknown"`, "call status"}},
		{"intervene", map[string]any{"instance_id": "i-unknown", "text": "x"}, []string{`"i-unknown"`}},
		{"spawn", map[string]any{"prompt": ""}, []string{"no task given"}},
		{"spawn", map[string]any{"tasks": []map[string]any{{"prompt": "   "}}}, []string{"prompt is empty"}},
		{"spawn", map[string]any{"prompt": "x", "priority": -3}, []string{"priority -3 is negative", "use 0"}},
		{"spawn", map[string]any{"prompt": "x", "depends_on": []string{"t-ghost"}}, []string{`"t-ghost"`, "names no known task"}},
		{"spawn", map[string]any{"prompt": strings.Repeat("p", 2<<20)}, []string{"prompt is 2097152 bytes", "shorten it"}},
		{"spawn", map[string]any{"prompt": "x", "priority": "high"}, []string{"invalid arguments", "priority"}},
		{"spawn", map[string]any{"promt": "x"}, []string{"invalid arguments", `"promt"`}},
		{"intervene", map[string]any{"instance_id": "i-x", "keys": []string{"hyper"}}, []string{`unknown key "hyper"`}},
		{"status", map[string]any{"task_id": "t-none"}, []string{`"t-none" not found`}},
		{"status", map[string]any{"tail_lines": 99}, []string{"tail_lines 99 is out of range"}},
	}
	for _, tc := range cases {
		msg := s.callError(t, tc.tool, tc.args)
		for _, want := range tc.want {
			assert.Contains(t, msg, want, "%s %v", tc.tool, tc.args)
		}
	}
	var spawned spawnResult
	s.callOK(t, "spawn", map[string]any{"prompt": "exit:0"}, &spawned)
	st := s.waitTasks(t, 20*time.Second)
	assert.Equal(t, 1, st.Pool.Succeeded, "the server keeps serving after bad input")
}

func TestMCP08ShutdownOnStdinEOF(t *testing.T) {
	s := startServer(t, nil, "--agent", agentBin, "--idle-timeout", "10m")
	var spawned spawnResult
	s.callOK(t, "spawn", map[string]any{"tasks": []map[string]any{
		{"prompt": "silent"}, {"prompt": "ignore-term"}, {"prompt": "chatty"},
	}}, &spawned)
	var pids []int
	for _, task := range spawned.Tasks {
		st := s.status(t, map[string]any{"instance_id": task.InstanceID})
		pids = append(pids, st.Instances[0].PID)
	}
	exitErr, took := s.stop(t)
	assert.NoError(t, exitErr, "exit code 0")
	assert.Less(t, took, 10*time.Second)
	for _, pid := range pids {
		assert.True(t, processGone(pid), "agent %d still runs", pid)
		assert.Empty(t, liveMembers(t, pid))
	}
}

// spawnResult mirrors the spawn tool's output.
type spawnResult = tools.SpawnOutput
