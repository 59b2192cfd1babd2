package e2e

import (
	"fmt"
	"path/filepath"
	"strconv"
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

// liveBehaviour is one labelled behaviour run through real Claude Code: the
// scripted model's directives, and the outcome the scoring must reach.
type liveBehaviour struct {
	name, label, prompt, permissionMode string
	// want is "succeeded" or the kill verdict of the only attempt.
	want string
	// upstreamRetries is how many attempts must have ended on a failure of
	// the model API without counting against the task.
	upstreamRetries int
}

var liveBehaviours = []liveBehaviour{
	{name: "steady-coder", label: "productive", prompt: "Write the files [[pace=2]] [[write files=4]]",
		want: "succeeded"},
	{name: "long-thinker", label: "thinking", prompt: "Think, then write [[think seconds=25]] [[write file=t.txt]]",
		want: "succeeded"},
	{name: "silent-build", label: "building", permissionMode: "bypassPermissions",
		prompt: `Build it [[bash command="timeout 40 sh -c 'while :; do :; done'; true"]]`, want: "succeeded"},
	{name: "rate-limited", label: "upstream", prompt: "Create r.txt [[error status=429 times=2]] [[write file=r.txt]]",
		want: "succeeded", upstreamRetries: 1},
	{name: "stalled-stream", label: "stalled", prompt: "Create s.txt [[stall]]", want: "kill-idle"},
	{name: "endless-researcher", label: "research-only", prompt: "Look around [[pace=2]] [[research steps=60]]",
		want: "kill-unproductive"},
	{name: "todo-writer", label: "todo-only", prompt: "Plan it [[pace=2]]" + strings.Repeat(" [[todo items=1]]", 60),
		want: "kill-unproductive"},
	{name: "unanswered-question", label: "waiting", permissionMode: "default",
		prompt: "Create q.txt [[write file=q.txt]]", want: "kill-no-answer"},
}

// moreLiveBehaviours run after liveBehaviours, in a server of their own, so
// that no more than eight Claude Code instances share the two cores.
var moreLiveBehaviours = []liveBehaviour{
	{name: "slow-coder", label: "productive", prompt: "Write the files slowly [[pace=12]] [[write files=5]]",
		want: "succeeded"},
	{name: "chatty", label: "chatty", prompt: "Explain the design at length [[talk seconds=120]]",
		want: "kill-unproductive"},
	// Claude Code shows a rising timer while it waits for a reply, which
	// the claude profile reads as thinking, so an unanswered request ends
	// as unproductive, not as idle.
	{name: "silent", label: "idle", prompt: "Start the work [[delay seconds=300]]", want: "kill-unproductive"},
	// Claude Code 2.1.197 retries a 401 once (CLAUDE_CODE_MAX_RETRIES=1),
	// then ends its turn on "Please run /login". The attempt is not
	// counted, and the retry after the pool's pause for rejected
	// credentials succeeds.
	{name: "auth-expired", label: "upstream",
		prompt: "Write the files [[write files=3]] [[error status=401 after=2 times=2]]",
		want:   "succeeded", upstreamRetries: 1},
	{name: "done-early", label: "done", prompt: "Create d.txt [[write file=d.txt]]", want: "succeeded"},
}

// TestRealClaudeBehaviours runs the labelled behaviours through real Claude
// Code against the scripted model, with thresholds scaled down so the run
// takes about a minute and a half. The productive, thinking, building and
// rate-limited agents must finish, and the stalled, researching, planning
// and waiting ones must end with the expected kill. It logs the table.
func TestRealClaudeBehaviours(t *testing.T) {
	runLiveBehaviours(t, liveBehaviours)
}

// TestRealClaudeBehavioursMore runs the slow coder, the chatty and the
// silent agent, an expired login and an early finish the same way.
func TestRealClaudeBehavioursMore(t *testing.T) {
	runLiveBehaviours(t, moreLiveBehaviours)
}

// runLiveBehaviours runs behaviours at once in one server with the scaled
// thresholds, checks each outcome and logs the table.
func runLiveBehaviours(t *testing.T, behaviours []liveBehaviour) {
	claude := realclaude.Binary(t)
	baseURL := startModel(t)
	env, err := claudeenv.Prepare(filepath.Join(t.TempDir(), "claude"), baseURL)
	require.NoError(t, err)
	env = append(env, claudePath(claude), "CLAUDE_CODE_MAX_RETRIES=1", "ANTHROPIC_AUTH_TOKEN=test")
	// Cleanups run last registered first, so this one logs the table again
	// after the server's log that a failure dumps, where it is easy to find.
	var table []string
	t.Cleanup(func() {
		if t.Failed() && table != nil {
			t.Log("live behaviours, again after the server log:\n" + strings.Join(table, "\n"))
		}
	})
	s := startServer(t, env, "--max-instances", strconv.Itoa(len(behaviours)), "--max-attempts", "1",
		"--idle-timeout", "20s", "--unproductive-after", "45s", "--input-timeout", "40s", "--scoring", "window=20s")

	tasks := make([]map[string]any, len(behaviours))
	for i, b := range behaviours {
		tasks[i] = map[string]any{"name": b.name, "prompt": b.prompt}
		if b.permissionMode != "" {
			tasks[i]["permission_mode"] = b.permissionMode
		}
	}
	var spawned spawnResult
	s.callOK(t, "spawn", map[string]any{"tasks": tasks}, &spawned)
	st := s.waitTasks(t, 240*time.Second)

	table = []string{"| behaviour | label | expected | outcome | after | reason |", "| --- | --- | --- | --- | --- | --- |"}
	for i, b := range behaviours {
		task := findTask(t, st, spawned.Tasks[i].TaskID)
		table = append(table, checkBehaviour(t, st, b, task))
	}
	t.Log("live behaviours:\n" + strings.Join(table, "\n"))

	exitErr, _ := s.stop(t)
	assert.NoError(t, exitErr)
}

// checkBehaviour checks the outcome of one behaviour and returns its table
// row. The time is that of the last attempt, and an attempt that ended on a
// failure of the model API is named in the reason.
func checkBehaviour(t *testing.T, st tools.StatusOutput, b liveBehaviour, task executor.TaskInfo) string {
	t.Helper()
	require.NotEmpty(t, task.Instances, b.name)
	last := findInstance(t, st, task.Instances[len(task.Instances)-1])
	outcome, reason := task.State, ""
	if last.KillReason != "" {
		outcome, _, _ = strings.Cut(last.KillReason, ":")
		reason = last.KillReason
	}
	if task.UpstreamRetries > 0 {
		first := findInstance(t, st, task.Instances[0])
		reason = fmt.Sprintf("attempt 1: %s; run again without spending an attempt (%d such retry)",
			first.AgentError, task.UpstreamRetries)
	}
	after := "-"
	if last.EndedAt != nil {
		after = last.EndedAt.Sub(last.StartedAt).Round(time.Second).String()
	}
	if !assert.Equal(t, b.want, outcome, "%s: task %s, last error %q", b.name, task.State, task.LastError) {
		t.Logf("%s: the last screen of instance %s:\n%s", b.name, last.ID, strings.Join(last.ScreenTail, "\n"))
	}
	assert.Equal(t, b.upstreamRetries, task.UpstreamRetries, "%s: uncounted retries", b.name)
	return fmt.Sprintf("| %s | %s | %s | %s | %s | %s |", b.name, b.label, b.want, outcome, after, reason)
}
