package e2e

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
)

// peakRSS returns the peak resident set size of pid in bytes, from VmHWM
// in /proc/PID/status.
func peakRSS(t testing.TB, pid int) int64 {
	t.Helper()
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	require.NoError(t, err)
	for line := range strings.SplitSeq(string(data), "\n") {
		if value, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kib, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
			require.NoError(t, err)
			return kib << 10
		}
	}
	t.Fatalf("no VmHWM in /proc/%d/status", pid)
	return 0
}

func fileSize(t testing.TB, path string) int64 {
	t.Helper()
	info, err := os.Stat(path)
	require.NoError(t, err)
	return info.Size()
}

// floodInstances spawns one flood:BYTES task per count, waits for all to
// finish and returns their final instance records.
func floodInstances(t testing.TB, s *server, count, bytes int) []executor.InstanceInfo {
	tasks := make([]map[string]any, count)
	for k := range tasks {
		tasks[k] = map[string]any{"prompt": fmt.Sprintf("flood:%d", bytes)}
	}
	var spawned spawnResult
	s.callOK(t, "spawn", map[string]any{"tasks": tasks}, &spawned)
	s.waitTasks(t, 5*time.Minute)
	infos := make([]executor.InstanceInfo, 0, count)
	for _, task := range spawned.Tasks {
		st := s.status(t, map[string]any{"instance_id": task.InstanceID})
		infos = append(infos, st.Instances[0])
	}
	return infos
}

func TestFloodKeepsServerBounded(t *testing.T) {
	const capBytes = 1 << 20
	s := startServer(t, nil, "--agent", agentBin, "--idle-timeout", "10m",
		"--transcript-max", strconv.Itoa(capBytes))
	info := floodInstances(t, s, 1, 50<<20)[0]

	peak := peakRSS(t, s.cmd.Process.Pid)
	assert.Less(t, peak, int64(100<<20), "peak RSS %d MiB after a 50 MB burst", peak>>20)
	assert.Equal(t, int64(50<<20), info.OutputBytes, "every byte was read")
	for _, path := range []string{info.TranscriptFile, info.TextFile} {
		require.NotEmpty(t, path)
		assert.Equal(t, int64(capBytes), fileSize(t, path+".1"), "%s.1 is full", path)
		assert.LessOrEqual(t, fileSize(t, path), int64(capBytes), "%s is within its cap", path)
	}
	exitErr, _ := s.stop(t)
	assert.NoError(t, exitErr)
}

// BenchmarkFlood runs ten instances that each print 100 MB as fast as they
// can, and reports the server's peak RSS and the transcript files' sizes.
// Run it once: go test -bench Flood -run '^$' -benchtime 1x ./e2e
func BenchmarkFlood(b *testing.B) {
	const instances, each = 10, 100 << 20
	for b.Loop() {
		runFlood(b, instances, each)
	}
}

func runFlood(b *testing.B, instances, each int) {
	b.Helper()
	s := startServer(b, nil, "--agent", agentBin, "--idle-timeout", "10m", "--max-instances", strconv.Itoa(instances))
	start := time.Now()
	infos := floodInstances(b, s, instances, each)
	elapsed := time.Since(start)
	peak := peakRSS(b, s.cmd.Process.Pid)
	var onDisk, dropped, largest int64
	for _, info := range infos {
		for _, path := range []string{info.TranscriptFile, info.TranscriptFile + ".1", info.TextFile, info.TextFile + ".1"} {
			size := fileSize(b, path)
			onDisk += size
			largest = max(largest, size)
		}
		dropped += info.TranscriptDropped
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-RSS-MiB")
	b.ReportMetric(float64(onDisk)/(1<<20), "transcripts-MiB")
	b.ReportMetric(float64(largest)/(1<<20), "largest-file-MiB")
	b.ReportMetric(float64(dropped)/(1<<20), "dropped-MiB")
	b.ReportMetric(float64(instances*each)/(1<<20)/elapsed.Seconds(), "MiB/s")
	_, _ = s.stop(b)
}
