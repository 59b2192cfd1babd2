package e2e

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/axiom-mcp/axiom-mcp/internal/claudeenv"
	"github.com/axiom-mcp/axiom-mcp/internal/realclaude"
)

// liveBehaviour is one labelled behaviour run through real Claude Code: the
// scripted model's directives, and the outcome the scoring must reach.
type liveBehaviour struct {
	name, label, prompt, permissionMode string
	// want is "succeeded" or the kill verdict of the only attempt.
	want string
}

var liveBehaviours = []liveBehaviour{
	{name: "steady-coder", label: "productive", prompt: "Write the files [[pace=2]] [[write files=4]]",
		want: "succeeded"},
	{name: "long-thinker", label: "thinking", prompt: "Think, then write [[think seconds=25]] [[write file=t.txt]]",
		want: "succeeded"},
	{name: "silent-build", label: "building", permissionMode: "bypassPermissions",
		prompt: `Build it [[bash command="timeout 40 sh -c 'while :; do :; done'; true"]]`, want: "succeeded"},
	{name: "rate-limited", label: "upstream", prompt: "Create r.txt [[error status=429 times=2]] [[write file=r.txt]]",
		want: "succeeded"},
	{name: "stalled-stream", label: "stalled", prompt: "Create s.txt [[stall]]", want: "kill-idle"},
	{name: "endless-researcher", label: "research-only", prompt: "Look around [[pace=2]] [[research steps=60]]",
		want: "kill-unproductive"},
	{name: "todo-writer", label: "todo-only", prompt: "Plan it [[pace=2]]" + strings.Repeat(" [[todo items=1]]", 60),
		want: "kill-unproductive"},
	{name: "unanswered-question", label: "waiting", permissionMode: "default",
		prompt: "Create q.txt [[write file=q.txt]]", want: "kill-no-answer"},
}

// TestRealClaudeBehaviours runs the labelled behaviours through real Claude
// Code against the scripted model, with thresholds scaled down so the run
// takes about a minute and a half. The productive, thinking, building and
// rate-limited agents must finish, and the stalled, researching, planning
// and waiting ones must end with the expected kill. It logs the table.
func TestRealClaudeBehaviours(t *testing.T) {
	claude := realclaude.Binary(t)
	baseURL := startModel(t)
	env, err := claudeenv.Prepare(filepath.Join(t.TempDir(), "claude"), baseURL)
	require.NoError(t, err)
	env = append(env, claudePath(claude), "CLAUDE_CODE_MAX_RETRIES=1")
	s := startServer(t, env, "--max-instances", "8", "--max-attempts", "1", "--idle-timeout", "20s",
		"--unproductive-after", "45s", "--input-timeout", "40s", "--scoring", "window=20s")

	tasks := make([]map[string]any, len(liveBehaviours))
	for i, b := range liveBehaviours {
		tasks[i] = map[string]any{"name": b.name, "prompt": b.prompt}
		if b.permissionMode != "" {
			tasks[i]["permission_mode"] = b.permissionMode
		}
	}
	var spawned spawnResult
	s.callOK(t, "spawn", map[string]any{"tasks": tasks}, &spawned)
	st := s.waitTasks(t, 180*time.Second)

	table := []string{"| behaviour | label | expected | outcome | after | reason |", "| --- | --- | --- | --- | --- | --- |"}
	for i, b := range liveBehaviours {
		task := findTask(t, st, spawned.Tasks[i].TaskID)
		require.NotEmpty(t, task.Instances, b.name)
		last := findInstance(t, st, task.Instances[len(task.Instances)-1])
		outcome, reason := task.State, ""
		if last.KillReason != "" {
			outcome, _, _ = strings.Cut(last.KillReason, ":")
			reason = last.KillReason
		}
		after := "-"
		if last.EndedAt != nil {
			after = last.EndedAt.Sub(last.StartedAt).Round(time.Second).String()
		}
		table = append(table, fmt.Sprintf("| %s | %s | %s | %s | %s | %s |", b.name, b.label, b.want, outcome, after, reason))
		assert.Equal(t, b.want, outcome, "%s: task %s, last error %q", b.name, task.State, task.LastError)
	}
	t.Log("live behaviours:\n" + strings.Join(table, "\n"))

	exitErr, _ := s.stop(t)
	assert.NoError(t, exitErr)
}
