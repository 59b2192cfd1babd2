package e2e

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/axiom-mcp/axiom-mcp/internal/claudeenv"
	"github.com/axiom-mcp/axiom-mcp/internal/realclaude"
	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
	"github.com/axiom-mcp/axiom-mcp/pkg/tools"
)

// TestInstructionTypedDuringTurnRuns types a second instruction into real
// Claude Code while its first turn is still thinking. Claude Code queues
// it. When the turn makes another model request, the instruction goes
// with it. When the turn ends without one, the instruction runs as a turn
// of its own. Either way it must run before the server closes the agent.
func TestInstructionTypedDuringTurnRuns(t *testing.T) {
	s := startClaudeServer(t)

	cases := []struct {
		name, prompt, typed string
		files               []string
	}{
		{name: "within-turn", prompt: "Slow work [[think seconds=8]] [[write file=first.txt]]",
			typed: "Also [[write file=second.txt]]", files: []string{"first.txt", "second.txt"}},
		{name: "own-turn", prompt: "Ponder it [[think seconds=8]]",
			typed: "Then [[think seconds=4]] [[write file=later.txt]]", files: []string{"later.txt"}},
	}
	specs := make([]map[string]any, len(cases))
	for i, c := range cases {
		specs[i] = map[string]any{"name": c.name, "prompt": c.prompt}
	}
	var spawned spawnResult
	s.callOK(t, "spawn", map[string]any{"tasks": specs}, &spawned)
	for i, c := range cases {
		inst := waitForState(t, s, spawned.Tasks[i].TaskID, "working", 60*time.Second)
		var typed tools.InterveneOutput
		s.callOK(t, "intervene", map[string]any{"instance_id": inst.ID, "text": c.typed,
			"keys": []string{"enter"}}, &typed)
		assert.Equal(t, "working", typed.State, c.name)
		assert.Contains(t, typed.Note, "Claude Code queues typed text", c.name)
	}

	st := s.waitTasks(t, 120*time.Second)
	for i, c := range cases {
		task := spawned.Tasks[i]
		final := findTask(t, st, task.TaskID)
		assert.Equal(t, "succeeded", final.State, "%s: %s", c.name, final.LastError)
		for _, file := range c.files {
			assert.FileExists(t, filepath.Join(task.Workspace, file), "%s: the typed instruction ran", c.name)
		}
	}
}

// startClaudeServer starts a server whose instances run the pinned Claude
// Code against a scripted model server, one attempt per task.
func startClaudeServer(t *testing.T) *server {
	t.Helper()
	claude := realclaude.Binary(t)
	baseURL := startModel(t)
	env, err := claudeenv.Prepare(filepath.Join(t.TempDir(), "claude"), baseURL)
	require.NoError(t, err)
	env = append(env, claudePath(claude))
	return startServer(t, env, "--max-attempts", "1")
}

// waitForState polls status until the task's newest instance is in state
// and returns that instance.
func waitForState(t *testing.T, s *server, taskID, state string, timeout time.Duration) executor.InstanceInfo {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var seen []string
	for time.Now().Before(deadline) {
		st := s.status(t, map[string]any{"task_id": taskID, "tail_lines": 3})
		for _, inst := range st.Instances {
			if inst.State == state {
				return inst
			}
			seen = append(seen, inst.State)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("task %s never reached %s; states seen: %s", taskID, state, strings.Join(seen, ", "))
	return executor.InstanceInfo{}
}

// TestUnsubmittedTextDoesNotRun types text without Enter into real Claude
// Code while its turn runs. The text waits in the input box, and closing
// the agent at the end of the turn clears it before /exit, so it never
// runs and the agent exits on its own.
func TestUnsubmittedTextDoesNotRun(t *testing.T) {
	s := startClaudeServer(t)

	var spawned spawnResult
	s.callOK(t, "spawn", map[string]any{"tasks": []map[string]any{
		{"name": "ponder", "prompt": "Ponder it [[think seconds=6]]"}}}, &spawned)
	task := spawned.Tasks[0]
	inst := waitForState(t, s, task.TaskID, "working", 60*time.Second)
	var typed tools.InterveneOutput
	s.callOK(t, "intervene", map[string]any{"instance_id": inst.ID, "text": "Also [[write file=extra.txt]]"}, &typed)
	assert.Contains(t, typed.Note, "the text waits in the agent's input until a call sends the key enter")

	st := s.waitTasks(t, 90*time.Second)
	final := findTask(t, st, task.TaskID)
	assert.Equal(t, "succeeded", final.State, final.LastError)
	ended := findInstance(t, st, final.Instances[0])
	require.NotNil(t, ended.ExitCode)
	assert.Equal(t, 0, *ended.ExitCode, "the agent exited on /exit, not on a signal")
	assert.NoFileExists(t, filepath.Join(task.Workspace, "extra.txt"), "text typed without Enter never ran")
}
