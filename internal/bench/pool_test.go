package bench

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/axiom-mcp/axiom-mcp/internal/app"
)

func TestWriteTaskFileLoadsInRun(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tasks.json")
	require.NoError(t, writeTaskFile(path, batch{command: "'agent' chatty:1", tasks: 3}))

	specs, err := app.LoadTasks(path)
	require.NoError(t, err)
	require.Len(t, specs, 3)
	assert.Equal(t, "'agent' chatty:1", specs[2].Prompt)
}

func writeProcessRecord(t *testing.T, dir, task, instance, startedAt string) {
	t.Helper()
	instanceDir := filepath.Join(dir, task, instance)
	require.NoError(t, os.MkdirAll(instanceDir, 0o755))
	record := `{"pid": 1, "started_at": "` + startedAt + `"}`
	require.NoError(t, os.WriteFile(filepath.Join(instanceDir, "process.json"), []byte(record), 0o644))
}

func TestReadAgentStarts(t *testing.T) {
	dir := t.TempDir()
	writeProcessRecord(t, dir, "t-1", "i-1", "2026-12-04T10:00:01.5Z")
	writeProcessRecord(t, dir, "t-2", "i-2", "2026-12-04T10:00:00.25Z")
	writeProcessRecord(t, dir, "t-3", "i-3", "2026-12-04T10:00:20Z")

	starts, err := readAgentStarts(dir)
	require.NoError(t, err)
	assert.Equal(t, 3, starts.count)
	assert.Equal(t, time.Date(2026, 12, 4, 10, 0, 0, 250e6, time.UTC), starts.first.UTC())
	assert.Equal(t, time.Date(2026, 12, 4, 10, 0, 20, 0, time.UTC), starts.last.UTC())
}

func TestReadAgentStartsRejectsBadRecord(t *testing.T) {
	dir := t.TempDir()
	writeProcessRecord(t, dir, "t-1", "i-1", "yesterday")
	_, err := readAgentStarts(dir)
	assert.ErrorContains(t, err, "parse process record")
}

func TestMedianRunPicksMiddle(t *testing.T) {
	runs := []axiomRun{{took: 3 * time.Second}, {took: time.Second}, {took: 2 * time.Second}}
	assert.Equal(t, 2*time.Second, medianRun(runs).took)
}

func TestIdealWallRoundsUp(t *testing.T) {
	assert.Equal(t, 20*time.Second, idealWall(batch{tasks: 200, slots: 10}))
	assert.Equal(t, 3*time.Second, idealWall(batch{tasks: 5, slots: 2}))
}

func TestPoolResultMetAtTarget(t *testing.T) {
	b := batch{tasks: 200, slots: 10}
	res := poolResult(b, []axiomRun{{took: 22 * time.Second}}, []time.Duration{20 * time.Second})
	assert.True(t, res.Met)
	assert.Equal(t, "1.100", res.Ratio)
	assert.NotContains(t, res.Note, "missed")
}

func TestPoolResultMissedAboveTarget(t *testing.T) {
	b := batch{tasks: 200, slots: 10}
	res := poolResult(b, []axiomRun{{took: 23 * time.Second}}, []time.Duration{20 * time.Second})
	assert.False(t, res.Met)
	assert.Contains(t, res.Note, "missed: axiom-mcp took 3.00 s more than xargs")
}

func TestShellQuoteSurvivesShell(t *testing.T) {
	word := `it's a "path" with $HOME`
	out, err := exec.Command("sh", "-c", "printf %s "+shellQuote(word)).Output()
	require.NoError(t, err)
	assert.Equal(t, word, string(out))
}

func TestTimeCommandQuotesOutputOnFailure(t *testing.T) {
	dir := t.TempDir()
	_, _, err := timeCommand(context.Background(), dir, "sh", []string{"-c", "echo broken; exit 3"}, nil, "")
	assert.ErrorContains(t, err, "exit status 3; the output ends with: broken")
}

func TestTimeCommandPassesInputAndEnvironment(t *testing.T) {
	dir := t.TempDir()
	_, took, err := timeCommand(context.Background(), dir, "sh", []string{"-c", `read line; echo "$line $EXTRA"`},
		[]string{"EXTRA=two"}, "one\n")
	require.NoError(t, err)
	assert.Positive(t, took)
	output, err := os.ReadFile(filepath.Join(dir, "output.log"))
	require.NoError(t, err)
	assert.Equal(t, "one two\n", string(output))
}
