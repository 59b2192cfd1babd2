package bench

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/axiom-mcp/axiom-mcp/pkg/proctree"
)

// startProcess starts argv in a session of its own and kills its session
// when the test ends.
func startProcess(t *testing.T, argv ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
	})
	return cmd
}

func keyOfPID(t *testing.T, pid int) proctree.Key {
	t.Helper()
	proc, err := proctree.Read(pid)
	require.NoError(t, err)
	return proc.Key()
}

func TestProcEndedRunningProcess(t *testing.T) {
	cmd := startProcess(t, "sleep", "30")
	assert.False(t, procEnded(keyOfPID(t, cmd.Process.Pid)))
}

func TestProcEndedZombie(t *testing.T) {
	cmd := startProcess(t, "sleep", "30")
	key := keyOfPID(t, cmd.Process.Pid)
	require.NoError(t, cmd.Process.Kill())
	require.Eventually(t, func() bool {
		proc, err := proctree.Read(key.PID)
		return err == nil && proc.State == 'Z'
	}, 5*time.Second, 5*time.Millisecond, "the killed process is not a zombie")
	assert.True(t, procEnded(key))
}

func TestProcEndedOtherStartTime(t *testing.T) {
	cmd := startProcess(t, "sleep", "30")
	key := keyOfPID(t, cmd.Process.Pid)
	key.Start++
	assert.True(t, procEnded(key))
}

func TestTreeKeysFindsChild(t *testing.T) {
	cmd := startProcess(t, "sh", "-c", "sleep 30 & wait")
	var keys []proctree.Key
	require.Eventually(t, func() bool {
		var err error
		keys, err = treeKeys(cmd.Process.Pid)
		return err == nil && len(keys) == 2
	}, 5*time.Second, 5*time.Millisecond, "the shell and its sleep")
	_, ok := keyOf(keys, cmd.Process.Pid)
	assert.True(t, ok, "the leader is in its tree")
}

func TestWaitEndedReturnsEndTimes(t *testing.T) {
	cmd := startProcess(t, "sleep", "30")
	key := keyOfPID(t, cmd.Process.Pid)
	require.NoError(t, cmd.Process.Kill())
	endedAt, err := waitEnded(context.Background(), []proctree.Key{key}, time.Millisecond)
	require.NoError(t, err)
	assert.False(t, endedAt[0].IsZero())
}

func TestWaitEndedStopsWithContext(t *testing.T) {
	cmd := startProcess(t, "sleep", "30")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := waitEnded(ctx, []proctree.Key{keyOfPID(t, cmd.Process.Pid)}, time.Millisecond)
	assert.ErrorIs(t, err, context.Canceled)
}

func TestSignalIgnoredReadsMask(t *testing.T) {
	// An ignored signal stays ignored across exec, so the sleep inherits it.
	ignoring := startProcess(t, "sh", "-c", "trap '' TERM; exec sleep 30")
	plain := startProcess(t, "sleep", "30")
	require.Eventually(t, func() bool {
		ignored, err := signalIgnored(ignoring.Process.Pid, syscall.SIGTERM)
		return err == nil && ignored
	}, 5*time.Second, 5*time.Millisecond, "the shell's trap ignores SIGTERM")
	ignored, err := signalIgnored(plain.Process.Pid, syscall.SIGTERM)
	require.NoError(t, err)
	assert.False(t, ignored)
}

func TestReadPIDFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.pid")
	bad := filepath.Join(dir, "bad.pid")
	require.NoError(t, os.WriteFile(good, []byte("1234\n"), 0o644))
	require.NoError(t, os.WriteFile(bad, []byte("abc\n"), 0o644))

	pid, err := readPIDFile(good)
	require.NoError(t, err)
	assert.Equal(t, 1234, pid)
	_, err = readPIDFile(bad)
	assert.ErrorContains(t, err, "not a valid pid")
	_, err = readPIDFile(filepath.Join(dir, "missing.pid"))
	assert.ErrorIs(t, err, os.ErrNotExist)
}

func TestSampleOfSubtractsGrace(t *testing.T) {
	start := time.Now()
	ended := []time.Time{start.Add(killGrace + 5*time.Millisecond), start.Add(killGrace + 9*time.Millisecond)}
	sample := sampleOf(start, ended, killCase{ignoresTerm: true})
	assert.Equal(t, 5*time.Millisecond, sample.agent)
	assert.Equal(t, 9*time.Millisecond, sample.tree)
}

func TestSampleOfKeepsTimeWithoutGrace(t *testing.T) {
	start := time.Now()
	sample := sampleOf(start, []time.Time{start.Add(7 * time.Millisecond)}, killCase{})
	assert.Equal(t, 7*time.Millisecond, sample.tree)
}

// killSeriesOf returns a series whose pool kills took tree each and whose
// baseline kills took 2 ms, the grandchild surviving every time.
func killSeriesOf(name string, tree ...time.Duration) killSeries {
	s := killSeries{c: killCase{name: name}}
	for _, d := range tree {
		s.pool = append(s.pool, killSample{agent: d / 2, tree: d})
		s.baseline = append(s.baseline, killSample{agent: 2 * time.Millisecond, survived: true})
	}
	return s
}

func TestKillResultMetUnderTarget(t *testing.T) {
	res := killResult([]killSeries{killSeriesOf("a", 10*time.Millisecond, 99*time.Millisecond)})
	assert.True(t, res.Met)
	assert.NotContains(t, res.Note, "missed")
}

func TestKillResultMissedAtTarget(t *testing.T) {
	res := killResult([]killSeries{
		killSeriesOf("a", 10*time.Millisecond),
		killSeriesOf("b", 10*time.Millisecond, killTarget),
	})
	assert.False(t, res.Met)
	assert.Contains(t, res.Note, "b: the agent was gone after a median")
}

func TestKillResultRatioAndSurvivors(t *testing.T) {
	res := killResult([]killSeries{killSeriesOf("a", 4*time.Millisecond, 6*time.Millisecond)})
	assert.Equal(t, "medians: 2.00 (a)", res.Ratio)
	assert.Contains(t, res.Baseline, "survived 2 of 2 runs")
}
