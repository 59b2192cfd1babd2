package bench

import (
	"os/exec"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// startSleep starts "sleep 30" in dir. A cleanup kills it when the test
// ends.
func startSleep(t *testing.T, dir string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command("sleep", "30")
	cmd.Dir = dir
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	return cmd
}

func TestProcessesUnderFindsChildInDir(t *testing.T) {
	dir := t.TempDir()
	sleep := startSleep(t, dir)
	assert.Contains(t, processesUnder(dir), sleep.Process.Pid)
	assert.NotContains(t, processesUnder(t.TempDir()), sleep.Process.Pid)
}

func TestKillLeftoversKillsAndReports(t *testing.T) {
	dir := t.TempDir()
	sleep := startSleep(t, dir)
	err := killLeftovers(dir)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "were still running")
	waitErr := sleep.Wait()
	var exit *exec.ExitError
	require.ErrorAs(t, waitErr, &exit)
	assert.Equal(t, "signal: killed", exit.Error())
}

func TestKillLeftoversWithNothingLeft(t *testing.T) {
	assert.NoError(t, killLeftovers(t.TempDir()))
}
