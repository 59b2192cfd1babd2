package e2e

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/axiom-mcp/axiom-mcp/internal/claudeenv"
	"github.com/axiom-mcp/axiom-mcp/internal/realclaude"
)

// TestRealClaudePrintReportsErrors runs Claude Code against a model that is
// overloaded for its first two requests, and with a permission mode that
// denies writes. The API retries, the error result and the denied tool show
// in status. An attempt that ends on the overload, in print mode or
// interactive, is run again without spending an attempt, and succeeds.
func TestRealClaudePrintReportsErrors(t *testing.T) {
	claude := realclaude.Binary(t)
	baseURL := startModel(t)
	env, err := claudeenv.Prepare(filepath.Join(t.TempDir(), "claude"), baseURL)
	require.NoError(t, err)
	env = append(env, claudePath(claude), "CLAUDE_CODE_MAX_RETRIES=1")
	s := startServer(t, env, "--profile", "claude-print")
	require.NoError(t, s.session.SetLoggingLevel(t.Context(), &mcp.SetLoggingLevelParams{Level: "info"}))

	var spawned spawnResult
	s.callOK(t, "spawn", map[string]any{"tasks": []map[string]any{
		{"name": "overloaded", "prompt": "Create o.txt [[error status=529 times=2]] [[write file=o.txt]]",
			"max_attempts": 1},
		{"name": "denied", "prompt": "Create p.txt [[write file=p.txt]]", "permission_mode": "default"},
		{"name": "interactive", "prompt": "Create i.txt [[error status=529 times=2]] [[write file=i.txt]]",
			"profile": "claude", "max_attempts": 1},
	}}, &spawned)
	st := s.waitTasks(t, 90*time.Second)

	overloaded := findTask(t, st, spawned.Tasks[0].TaskID)
	assert.Equal(t, "succeeded", overloaded.State, overloaded.LastError)
	assert.Equal(t, 1, overloaded.Attempts, "the overloaded attempt was not counted")
	assert.Equal(t, 1, overloaded.UpstreamRetries)
	require.Len(t, overloaded.Instances, 2)
	failedRun := findInstance(t, st, overloaded.Instances[0])
	assert.Equal(t, 1, failedRun.APIRetries, "one retry with CLAUDE_CODE_MAX_RETRIES=1")
	require.NotNil(t, failedRun.AgentResult)
	assert.True(t, failedRun.AgentResult.IsError)
	assert.FileExists(t, filepath.Join(spawned.Tasks[0].Workspace, "o.txt"))

	denied := findInstance(t, st, findTask(t, st, spawned.Tasks[1].TaskID).Instances[0])
	require.NotNil(t, denied.AgentResult)
	assert.Equal(t, []string{"Write"}, denied.AgentResult.PermissionDenials)
	assert.NoFileExists(t, filepath.Join(spawned.Tasks[1].Workspace, "p.txt"))
	assert.Contains(t, s.eventMessages(), "the agent was denied 1 tool calls (Write): use a permission mode that allows them")

	interactive := findTask(t, st, spawned.Tasks[2].TaskID)
	assert.Equal(t, "succeeded", interactive.State, interactive.LastError)
	assert.Equal(t, 1, interactive.UpstreamRetries)
	require.Len(t, interactive.Instances, 2)
	assert.Contains(t, findInstance(t, st, interactive.Instances[0]).AgentError,
		"the turn ended on a model API error: API Error: 529")
	assert.FileExists(t, filepath.Join(spawned.Tasks[2].Workspace, "i.txt"))

	exitErr, _ := s.stop(t)
	assert.NoError(t, exitErr)
}
