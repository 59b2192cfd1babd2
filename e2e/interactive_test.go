package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap/zaptest"

	"github.com/axiom-mcp/axiom-mcp/internal/claudeenv"
	"github.com/axiom-mcp/axiom-mcp/internal/realclaude"
	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
	"github.com/axiom-mcp/axiom-mcp/pkg/mockmodel"
	"github.com/axiom-mcp/axiom-mcp/pkg/profile"
	"github.com/axiom-mcp/axiom-mcp/pkg/tools"
)

// startModel starts a scripted model server for one test and returns its
// base URL.
func startModel(t *testing.T) string {
	t.Helper()
	_, baseURL := startModelServer(t)
	return baseURL
}

// startModelServer starts a scripted model server for one test and returns
// it with its base URL.
func startModelServer(t *testing.T) (*mockmodel.Server, string) {
	t.Helper()
	model := mockmodel.New(zaptest.NewLogger(t))
	baseURL, err := model.Start("127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = model.Close(context.Background()) })
	return model, baseURL
}

// claudePath puts the directory of the Claude Code binary first on the
// agents' PATH, so the profiles' "claude" runs the pinned copy.
func claudePath(claude string) string {
	return "PATH=" + filepath.Dir(claude) + string(os.PathListSeparator) + os.Getenv("PATH")
}

// TestRealClaudeInteractivePool runs interactive Claude Code instances side
// by side: plain writes, a permission question answered with intervene, a
// stalled model killed as idle and retried, a print-mode task, and a Bash
// child in its own session ended with its instance.
func TestRealClaudeInteractivePool(t *testing.T) {
	claude := realclaude.Binary(t)
	baseURL := startModel(t)
	env, err := claudeenv.Prepare(filepath.Join(t.TempDir(), "claude"), baseURL)
	require.NoError(t, err)
	env = append(env, claudePath(claude))
	s := startServer(t, env, "--idle-timeout", "15s", "--max-instances", "6")

	tasks := []map[string]any{
		{"name": "plain", "prompt": "Create a.txt [[write file=a.txt]]"},
		{"name": "asks", "prompt": "Create b.txt [[write file=b.txt]]", "permission_mode": "default"},
		{"name": "stalls", "prompt": "Create c.txt [[stall times=1]] [[write file=c.txt]]"},
		{"name": "edits", "prompt": "Create d.txt and edit it [[write file=d.txt]] [[edit file=d.txt]]"},
		{"name": "print", "prompt": "Create e.txt [[write file=e.txt]]", "profile": "claude-print"},
		{"name": "sleeps", "prompt": "Run a long command [[bash command=\"sleep 300\"]]",
			"permission_mode": "bypassPermissions", "max_attempts": 1},
	}
	var spawned spawnResult
	s.callOK(t, "spawn", map[string]any{"tasks": tasks}, &spawned)
	require.Len(t, spawned.Tasks, len(tasks))
	byName := make(map[string]tools.SpawnedTask)
	for _, task := range spawned.Tasks {
		byName[task.Name] = task
	}

	d := &interactiveDriver{s: s, asks: byName["asks"].TaskID, sleeps: byName["sleeps"].TaskID}
	st := d.run(t, 150*time.Second)

	assert.Equal(t, "Do you want to create b.txt?", d.question, "the question shown in status")
	require.Len(t, d.choices, 3, "the answers shown in status")
	assert.Equal(t, profile.Choice{Key: "1", Label: "Yes", Selected: true}, d.choices[0])
	assert.Equal(t, "No", d.choices[2].Label)
	require.NotZero(t, d.sleepPID, "the Bash tool's sleep was seen in the instance's tree")
	assert.True(t, processGone(d.sleepPID), "the Bash child %d ended with its instance", d.sleepPID)

	for _, name := range []string{"plain", "asks", "stalls", "edits", "print"} {
		task := findTask(t, st, byName[name].TaskID)
		assert.Equal(t, "succeeded", task.State, "task %s: %s", name, task.LastError)
	}
	for name, file := range map[string]string{"plain": "a.txt", "asks": "b.txt", "stalls": "c.txt",
		"edits": "d.txt", "print": "e.txt"} {
		assert.FileExists(t, filepath.Join(byName[name].Workspace, file))
	}
	assert.Equal(t, "cancelled", findTask(t, st, byName["sleeps"].TaskID).State)

	stalled := findTask(t, st, byName["stalls"].TaskID)
	assert.Equal(t, 2, stalled.Attempts, "the stalled attempt was replaced")
	first := findInstance(t, st, stalled.Instances[0])
	assert.Contains(t, first.KillReason, "kill-idle")

	edits := findInstance(t, st, findTask(t, st, byName["edits"].TaskID).Instances[0])
	assert.GreaterOrEqual(t, edits.Tools["code"], 2, "Write and Edit read from the transcript")
	assert.NotEmpty(t, edits.TranscriptPath)

	exitErr, _ := s.stop(t)
	assert.NoError(t, exitErr)
	for _, inst := range st.Instances {
		assert.Empty(t, liveMembers(t, inst.PID), "instance %s left processes", inst.ID)
	}
}

// interactiveDriver plays the client's part: it answers the permission
// question and kills the sleeping instance once its child shows.
type interactiveDriver struct {
	s            *server
	asks, sleeps string
	question     string
	choices      []profile.Choice
	answered     bool
	sleepPID     int
	killed       bool
}

func (d *interactiveDriver) run(t *testing.T, timeout time.Duration) tools.StatusOutput {
	t.Helper()
	var st tools.StatusOutput
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		st = d.s.status(t, map[string]any{"tail_lines": 5})
		for _, inst := range st.Instances {
			d.act(t, inst)
		}
		if st.Pool.Queued == 0 && st.Pool.Running == 0 {
			return st
		}
		time.Sleep(250 * time.Millisecond)
	}
	t.Fatalf("tasks did not finish in %s: %+v", timeout, st.Pool)
	return st
}

func (d *interactiveDriver) act(t *testing.T, inst executor.InstanceInfo) {
	switch {
	case inst.TaskID == d.asks && inst.State == "waiting_input" && !d.answered:
		d.question, d.choices, d.answered = inst.Question, inst.Choices, true
		var out tools.InterveneOutput
		d.s.callOK(t, "intervene", map[string]any{"instance_id": inst.ID, "keys": []string{"enter"}}, &out)
	case inst.TaskID == d.sleeps && inst.EndedAt == nil && !d.killed:
		for _, proc := range liveMembers(t, inst.PID) {
			if proc.Comm == "sleep" {
				d.sleepPID, d.killed = proc.PID, true
				var out executor.KillResult
				d.s.callOK(t, "kill", map[string]any{"instance_id": inst.ID, "requeue": false}, &out)
			}
		}
	}
}

func findInstance(t *testing.T, st tools.StatusOutput, id string) executor.InstanceInfo {
	t.Helper()
	for _, inst := range st.Instances {
		if inst.ID == id {
			return inst
		}
	}
	t.Fatalf("instance %s not in status", id)
	return executor.InstanceInfo{}
}

// TestCLI02TrustDialogHandled starts Claude Code with an empty
// config directory, so it shows its onboarding screens, and a second time
// in a workspace that nobody trusted, so it shows the trust dialog. The
// server answers each and both tasks complete.
func TestCLI02TrustDialogHandled(t *testing.T) {
	claude := realclaude.Binary(t)
	baseURL := startModel(t)
	dir := t.TempDir()
	env := freshClaudeEnv(t, dir, baseURL)
	env = append(env, claudePath(claude))
	profiles := filepath.Join(dir, "profiles.yaml")
	require.NoError(t, os.WriteFile(profiles, []byte("profiles:\n"+
		"  - name: claude-untrusting\n    extends: claude\n    trust_workspaces: false\n"), 0o600))
	s := startServer(t, env, "--max-instances", "1", "--profiles", profiles)

	outside := filepath.Join(dir, "untrusted")
	var spawned spawnResult
	s.callOK(t, "spawn", map[string]any{"tasks": []map[string]any{
		{"name": "fresh", "prompt": "Create f.txt [[write file=f.txt]]"},
		{"name": "untrusted", "prompt": "Create u.txt [[write file=u.txt]]", "profile": "claude-untrusting",
			"workdir": outside, "depends_on": []string{"fresh"}},
	}}, &spawned)
	st := s.waitTasks(t, 90*time.Second)

	fresh := findTask(t, st, spawned.Tasks[0].TaskID)
	untrusted := findTask(t, st, spawned.Tasks[1].TaskID)
	require.Equal(t, "succeeded", fresh.State, fresh.LastError)
	require.Equal(t, "succeeded", untrusted.State, untrusted.LastError)
	assert.FileExists(t, filepath.Join(spawned.Tasks[0].Workspace, "f.txt"))
	assert.FileExists(t, filepath.Join(outside, "u.txt"))

	freshDialogs := findInstance(t, st, fresh.Instances[0]).DialogsAnswered
	assert.Contains(t, freshDialogs, "theme", "onboarding with an empty config")
	assert.NotContains(t, freshDialogs, "trust", "the server trusted its workspace root")
	assert.Contains(t, findInstance(t, st, untrusted.Instances[0]).DialogsAnswered, "trust")

	exitErr, _ := s.stop(t)
	assert.NoError(t, exitErr)
}

// freshClaudeEnv is the environment of a Claude Code that has never run:
// empty home and config directories, with the variables that keep it on
// loopback.
func freshClaudeEnv(t *testing.T, dir, baseURL string) []string {
	t.Helper()
	env, err := claudeenv.Prepare(filepath.Join(dir, "claude"), baseURL)
	require.NoError(t, err)
	for _, kv := range env {
		if config, ok := strings.CutPrefix(kv, "CLAUDE_CONFIG_DIR="); ok {
			require.NoError(t, os.Remove(filepath.Join(config, ".claude.json")))
		}
	}
	return env
}
