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
	"github.com/axiom-mcp/axiom-mcp/pkg/mockmodel"
	"github.com/axiom-mcp/axiom-mcp/pkg/profile"
)

// TestCLI06RealClaudeResumesAfterOverload runs interactive Claude Code on a
// task whose first tool call succeeds and whose next model requests get
// 529 until the CLI gives up on the turn. The retry continues the same
// session with --resume: its first model request carries the earlier
// Write call, so the scripted model goes on with the second file, and the
// first file is written once.
func TestCLI06RealClaudeResumesAfterOverload(t *testing.T) {
	claude := realclaude.Binary(t)
	model, baseURL := startModelServer(t)
	env, err := claudeenv.Prepare(filepath.Join(t.TempDir(), "claude"), baseURL)
	require.NoError(t, err)
	env = append(env, claudePath(claude), "CLAUDE_CODE_MAX_RETRIES=1")
	s := startServer(t, env, "--max-instances", "1")

	var spawned spawnResult
	s.callOK(t, "spawn", map[string]any{"tasks": []map[string]any{{
		"prompt":       "Create a.txt and b.txt [[write file=a.txt]] [[write file=b.txt]] [[error status=529 after=1 times=2]]",
		"max_attempts": 1,
	}}}, &spawned)
	require.Len(t, spawned.Tasks, 1)
	st := s.waitTasks(t, 120*time.Second)

	task := findTask(t, st, spawned.Tasks[0].TaskID)
	assert.Equal(t, "succeeded", task.State, task.LastError)
	assert.Equal(t, 1, task.UpstreamRetries)
	require.Len(t, task.Instances, 2)
	first, second := findInstance(t, st, task.Instances[0]), findInstance(t, st, task.Instances[1])
	require.NotEmpty(t, first.SessionID)
	assert.Empty(t, first.ResumedFrom)
	assert.Equal(t, first.SessionID, second.ResumedFrom)
	assert.Equal(t, first.SessionID, second.SessionID, "the resumed session keeps its ID")
	assert.Equal(t, first.TranscriptPath, second.TranscriptPath, "and its transcript file")
	assert.FileExists(t, filepath.Join(spawned.Tasks[0].Workspace, "a.txt"))

	claudeProfile, err := profile.Defaults().Lookup("claude")
	require.NoError(t, err)
	resumeLine, _, _ := strings.Cut(claudeProfile.ResumePrompt, "\n")
	var resumed *mockmodel.RequestLog
	for _, entry := range model.Requests() {
		if entry.Kind == "main" && entry.Prompt == resumeLine {
			resumed = &entry
			break
		}
	}
	require.NotNil(t, resumed, "a model request with the resume prompt")
	assert.Equal(t, first.SessionID, resumed.SessionID)
	assert.Equal(t, []string{"Write"}, resumed.EarlierTools, "the earlier turn's Write went along")
	assert.FileExists(t, filepath.Join(spawned.Tasks[0].Workspace, "b.txt"), "written by the resumed session")
	assert.Equal(t, 1, first.Tools["code"], "the first attempt wrote a.txt")
	assert.Equal(t, 1, second.Tools["code"], "the resumed session wrote only b.txt")

	exitErr, _ := s.stop(t)
	assert.NoError(t, exitErr)
}
