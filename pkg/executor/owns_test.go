package executor

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOwnedPathsSerialiseTasks(t *testing.T) {
	pool := startPool(t, Options{MaxInstances: 3, Thresholds: longThresholds()})
	tasks, err := pool.Submit([]TaskSpec{
		{Prompt: "sleep:1", Name: "schema", Owns: []string{"db"}},
		{Prompt: "exit:0", Name: "migration", Owns: []string{"db/migrations/001.sql"}},
		{Prompt: "sleep:1", Name: "web", Owns: []string{"web"}},
	})
	require.NoError(t, err)
	assert.Equal(t, "running", tasks[0].State)
	assert.Equal(t, "queued", tasks[1].State, "migration waits for the owner of db")
	assert.Equal(t, "running", tasks[2].State, "web owns a disjoint path")
	assert.Equal(t, []string{"db/migrations/001.sql"}, tasks[1].Owns)

	schema := waitTask(t, pool, tasks[0].ID, 10*time.Second)
	require.Equal(t, "succeeded", waitTask(t, pool, tasks[1].ID, 10*time.Second).State)
	migration := instancesOf(t, pool, tasks[1].ID)[0]
	assert.False(t, migration.StartedAt.Before(*schema.FinishedAt), "started after the owner of db finished")
}

func TestSubmitRejectsEscapingOwnedPath(t *testing.T) {
	pool := startPool(t, Options{})
	_, err := pool.Submit([]TaskSpec{{Prompt: "x", Owns: []string{"../other"}}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `task 1: owns path "../other" leaves the workspace`)
}

func TestOwnedPathsInsideWorkspaceBecomeRelative(t *testing.T) {
	ws := filepath.Join(t.TempDir(), "ws")
	got := ownedPaths(ws, []string{filepath.Join(ws, "src"), ws, "lib", "/etc/hosts", filepath.Join(ws, "..", "x")})
	assert.Equal(t, []string{"src", ".", "lib", "/etc/hosts", filepath.Join(ws, "..", "x")}, got)
}
