package e2e

import (
	"context"
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

func TestRealClaudeTasksWriteFiles(t *testing.T) {
	claude := realclaude.Binary(t)
	model := mockmodel.New(zaptest.NewLogger(t))
	baseURL, err := model.Start("127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = model.Close(context.Background()) })

	dir := t.TempDir()
	env, err := claudeenv.Prepare(filepath.Join(dir, "claude"), baseURL, "/")
	require.NoError(t, err)
	agent := claude + " -p {prompt} --output-format stream-json --verbose --permission-mode acceptEdits"
	s := startServer(t, env, "--agent", agent)

	files := []string{"hello.txt", "notes.md", "main.go"}
	var tasks []map[string]any
	for _, name := range files {
		tasks = append(tasks, map[string]any{"prompt": "Create " + name + " [[write file=" + name + "]]"})
	}
	var spawned spawnResult
	s.callOK(t, "spawn", map[string]any{"tasks": tasks}, &spawned)
	require.Len(t, spawned.Tasks, 3)

	st := s.waitTasks(t, 90*time.Second)
	assert.Equal(t, 3, st.Pool.Succeeded)
	for i, task := range spawned.Tasks {
		assert.Equal(t, "succeeded", findTask(t, st, task.TaskID).State)
		data, err := os.ReadFile(filepath.Join(task.Workspace, files[i]))
		require.NoError(t, err, "task %s wrote %s", task.TaskID, files[i])
		assert.Contains(t, string(data), "Create "+files[i])
	}
	assert.GreaterOrEqual(t, model.Stats().Main, int64(6), "two model requests per task")

	exitErr, _ := s.stop(t)
	assert.NoError(t, exitErr)
	for _, inst := range st.Instances {
		assert.Empty(t, liveMembers(t, inst.PID))
	}
}
