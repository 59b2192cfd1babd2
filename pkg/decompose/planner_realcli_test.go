package decompose

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap/zaptest"

	"github.com/axiom-mcp/axiom-mcp/internal/claudeenv"
	"github.com/axiom-mcp/axiom-mcp/internal/realclaude"
	"github.com/axiom-mcp/axiom-mcp/pkg/mockmodel"
)

// realPlanner returns a planner that runs the real Claude Code CLI against a
// scripted model server on loopback, in a fresh workspace, and the
// workspace.
func realPlanner(t *testing.T) (*Planner, string) {
	t.Helper()
	claudeBin := realclaude.Binary(t)
	server := mockmodel.New(zaptest.NewLogger(t))
	baseURL, err := server.Start("127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, server.Close(context.Background())) })

	workspace := t.TempDir()
	env, err := claudeenv.Prepare(t.TempDir(), baseURL, workspace)
	require.NoError(t, err)
	planner := &Planner{
		Command: ClaudeCommand(claudeBin),
		Dir:     workspace,
		Env:     env,
		Timeout: 60 * time.Second,
		Logger:  zaptest.NewLogger(t),
	}
	return planner, workspace
}

func TestRealClaudePlans(t *testing.T) {
	planner, workspace := realPlanner(t)
	require.NoError(t, os.WriteFile(filepath.Join(workspace, "plan.json"), []byte(validPlanJSON), 0o600))

	plan, err := planner.Plan(t.Context(), "Add a health endpoint and document it. [[structured file=plan.json]]")

	require.NoError(t, err)
	assert.Equal(t, "api then docs", plan.Summary)
	require.Len(t, plan.Tasks, 2)
	assert.Equal(t, "api", plan.Tasks[0].Name)
	assert.Equal(t, []string{"api"}, plan.Tasks[1].DependsOn)
	assert.Equal(t, []string{"README.md"}, plan.Tasks[1].Owns)
}

func TestRealClaudeInvalidPlan(t *testing.T) {
	planner, workspace := realPlanner(t)
	overlapping := `{"summary":"two writers","tasks":[` +
		`{"name":"api","prompt":"Add /health","depends_on":[],"owns":["server.go"],"priority":0},` +
		`{"name":"metrics","prompt":"Add /metrics","depends_on":[],"owns":["./server.go"],"priority":0}]}`
	require.NoError(t, os.WriteFile(filepath.Join(workspace, "plan.json"), []byte(overlapping), 0o600))

	plan, err := planner.Plan(t.Context(), "Add two endpoints. [[structured file=plan.json]]")

	var invalid *InvalidPlanError
	require.True(t, errors.As(err, &invalid), "error %v", err)
	assert.Contains(t, err.Error(), `tasks "api" and "metrics" can run at the same time but own overlapping paths`)
	assert.Len(t, plan.Tasks, 2)
}

func TestRealClaudeRejectsOffSchemaPlan(t *testing.T) {
	planner, workspace := realPlanner(t)
	// The CLI checks the tool input against --json-schema, so a plan without
	// summary never reaches structured_output.
	require.NoError(t, os.WriteFile(filepath.Join(workspace, "plan.json"), []byte(`{"tasks":[]}`), 0o600))

	_, err := planner.Plan(t.Context(), "Plan nothing. [[structured file=plan.json]]")

	require.Error(t, err)
	assert.Contains(t, err.Error(), "returned no structured output")
}

func TestRealClaudeAPIError(t *testing.T) {
	planner, _ := realPlanner(t)

	_, err := planner.Plan(t.Context(), "Plan this. [[error kind=prompt_too_long]]")

	require.Error(t, err)
	assert.Contains(t, err.Error(), "failed: exit status 1: Prompt is too long")
}
