package executor

import (
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
)

// floodOptions lower the flood threshold to 64 KiB per 100 ms, which any
// test agent flooding its terminal passes, and keep files of 256 KiB.
func floodOptions() Options {
	return Options{floodBytes: 64 << 10, TranscriptBytes: 64 << 10, TranscriptMax: 256 << 10,
		Thresholds: longThresholds()}
}

// readParts returns the rotated part of a transcript file and then the
// current one, as one string.
func readParts(t *testing.T, path string) string {
	t.Helper()
	older, err := os.ReadFile(path + ".1")
	if err != nil {
		require.ErrorIs(t, err, os.ErrNotExist)
	}
	current, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(older) + string(current)
}

func TestFloodPauseCatchesUpText(t *testing.T) {
	pool := startPool(t, floodOptions())
	task := submitOne(t, pool, TaskSpec{Prompt: "flood:8000000 say:after-the-flood sleep:30"})
	inst := waitInstance(t, pool, task.ID)

	var window TextWindow
	require.Eventually(t, func() bool {
		var err error
		window, err = pool.TranscriptTail(inst.ID, 1<<10)
		require.NoError(t, err)
		return strings.Contains(string(window.Text), "after-the-flood")
	}, 20*time.Second, 20*time.Millisecond, "the plain text shows the line after the flood while the agent runs")
	assert.Greater(t, window.Total, int64(8_000_000), "offsets count the output left out")

	st, err := pool.Status(Filter{TaskID: task.ID})
	require.NoError(t, err)
	assert.Equal(t, "running", st.Tasks[0].State)
	pool.mu.Lock()
	running := pool.instances[inst.ID]
	pool.mu.Unlock()
	assert.Positive(t, running.diskDropped(), "the output left out of the files is counted")
}

func TestFloodFilesKeepTheNewestOutput(t *testing.T) {
	core, logs := observer.New(zap.InfoLevel)
	opts := floodOptions()
	opts.Logger = zap.New(core)
	pool := startPool(t, opts)
	task := submitOne(t, pool, TaskSpec{Prompt: "flood:8000000 say:the-end"})
	final := waitTask(t, pool, task.ID, 30*time.Second)
	require.Equal(t, "succeeded", final.State, final.LastError)
	info := instancesOf(t, pool, task.ID)[0]
	assert.Equal(t, int64(8_000_000+len("the-end\r\n")), info.OutputBytes)

	raw := readParts(t, info.TranscriptFile)
	assert.True(t, strings.HasSuffix(raw, "xxxthe-end\r\n"), "the raw file ends with the end of the output")
	assert.LessOrEqual(t, len(raw), 512<<10, "no more than two parts")
	assert.Greater(t, len(raw), 256<<10, "the flood's tail fills the rotated part too")

	text := readParts(t, info.TextFile)
	assert.True(t, strings.HasSuffix(text, "xxxthe-end\n"), "the text file ends with the end of the output")
	assert.Greater(t, len(text), 256<<10, "the flood's text fills the rotated part too")

	floods := logs.FilterMessageSnippet("output flood over").All()
	require.NotEmpty(t, floods, "the flood was taken in flood mode")
	assert.Positive(t, floods[0].ContextMap()["left_out"], "flood mode left out the older output")
}

func TestTextAfterGapKeepsOffsets(t *testing.T) {
	log := newTextLog(1 << 10)
	log.appendText([]byte("before\x1b["))

	text := log.appendAfterGap([]byte("31mred\r\n"), 100)

	assert.Equal(t, "31mred\n", string(text), "the converter starts afresh, outside the cut sequence")
	data, start, oldest, total := log.ring.readRange(0, 1<<10)
	assert.Equal(t, "31mred\n", string(data))
	assert.Equal(t, int64(len("before")+100), start)
	assert.Equal(t, start, oldest, "the text before the gap is dropped")
	assert.Equal(t, start+int64(len("31mred\n")), total)
}

// TestFloodMemoryGoesBack runs floods one after another and checks that
// the ended instances do not keep the buffers of their floods' tails.
func TestFloodMemoryGoesBack(t *testing.T) {
	opts := floodOptions()
	opts.TranscriptMax = 4 << 20 // tails of 8 MiB
	pool := startPool(t, opts)
	heap := func() uint64 {
		runtime.GC()
		var stats runtime.MemStats
		runtime.ReadMemStats(&stats)
		return stats.HeapAlloc
	}
	flood := func() {
		task := submitOne(t, pool, TaskSpec{Prompt: "flood:20000000 say:done"})
		require.Equal(t, "succeeded", waitTask(t, pool, task.ID, 30*time.Second).State)
	}

	flood()
	after1 := heap()
	for range 3 {
		flood()
	}
	after4 := heap()

	// Each ended instance keeps its 64 KiB rings; a kept tail would be
	// 8 MiB of raw output and 8 MiB of text per flood.
	assert.Less(t, int64(after4)-int64(after1), int64(8<<20),
		"heap grew from %d to %d bytes over three more floods", after1, after4)
}
