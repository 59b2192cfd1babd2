package bench

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"

	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
)

func TestParseFloodTimes(t *testing.T) {
	times, lines, err := parseFloodTimes([]byte("1000000000\n3000000000\n3500000000\n"))
	require.NoError(t, err)
	assert.Equal(t, 3, lines)
	assert.Equal(t, time.Unix(1, 0), times.Start)
	assert.Equal(t, time.Unix(3, 0), times.End)
	assert.Equal(t, time.Unix(3, 500000000), times.Marker)
}

func TestParseFloodTimesIgnoresUnfinishedLine(t *testing.T) {
	times, lines, err := parseFloodTimes([]byte("1000000000\n30000"))
	require.NoError(t, err)
	assert.Equal(t, 1, lines)
	assert.True(t, times.End.IsZero())
}

func TestParseFloodTimesRejectsBadFiles(t *testing.T) {
	_, _, err := parseFloodTimes([]byte("1\nnot a time\n"))
	assert.ErrorContains(t, err, `line 2 "not a time"`)
	_, _, err = parseFloodTimes([]byte("1\n2\n3\n4\n"))
	assert.ErrorContains(t, err, "4 lines")
}

func TestFloodSpan(t *testing.T) {
	span, err := floodTimes{Start: time.Unix(1, 0), End: time.Unix(3, 0)}.span()
	require.NoError(t, err)
	assert.Equal(t, 2*time.Second, span)

	_, err = floodTimes{Start: time.Unix(1, 0)}.span()
	assert.ErrorContains(t, err, "lacks the start or the end")
	_, err = floodTimes{Start: time.Unix(3, 0), End: time.Unix(1, 0)}.span()
	assert.ErrorContains(t, err, "not after its start")
}

func TestMegabytesPerSecond(t *testing.T) {
	assert.InDelta(t, 5.0, megabytesPerSecond(10_000_000, 2*time.Second), 1e-9)
	assert.Zero(t, megabytesPerSecond(10, 0))
}

func TestFloodPrompt(t *testing.T) {
	assert.Equal(t, "timestamp:ingest-times.txt flood:42 timestamp:ingest-times.txt", floodPrompt(42, ""))
	assert.Equal(t, "timestamp:ingest-times.txt flood:42 timestamp:ingest-times.txt "+
		"timestamp:ingest-times.txt say:mark-1 silent", floodPrompt(42, "mark-1"))
}

func TestScreenShowsWrappedMarker(t *testing.T) {
	assert.True(t, screenShows([]string{"xxxx", "xxmark", "-1"}, "mark-1"))
	assert.False(t, screenShows([]string{"xxxx", "mark-"}, "mark-1"))
}

// samplesWith returns samples of two rounds with floods of 10 MB.
func samplesWith(baseline, pooled, lag time.Duration) ingestSamples {
	return ingestSamples{
		floodBytes:  10_000_000,
		baseline:    []time.Duration{baseline, baseline},
		pooled:      []time.Duration{pooled, pooled},
		screenLag:   []time.Duration{lag / 2, lag},
		baselineCPU: []time.Duration{time.Millisecond, time.Millisecond},
		pooledCPU:   []time.Duration{time.Millisecond, time.Millisecond},
	}
}

func TestIngestResultMet(t *testing.T) {
	res := samplesWith(time.Second, 1100*time.Millisecond, 100*time.Millisecond).result()
	assert.True(t, res.Met)
	assert.Equal(t, "0.91", res.Ratio)
	assert.Contains(t, res.Figure, "9.1 MB/s in the pool")
	assert.Contains(t, res.Figure, "100.0 ms worst")
	assert.Contains(t, res.Baseline, "10.0 MB/s")
	assert.NotContains(t, res.Note, "missed")
}

func TestIngestResultSlowRateMisses(t *testing.T) {
	res := samplesWith(time.Second, 2*time.Second, 10*time.Millisecond).result()
	assert.False(t, res.Met)
	assert.Equal(t, "0.50", res.Ratio)
	assert.Contains(t, res.Note, "Rate target missed")
	assert.NotContains(t, res.Note, "Screen target missed")
}

func TestIngestResultLateScreenMisses(t *testing.T) {
	res := samplesWith(time.Second, time.Second, 101*time.Millisecond).result()
	assert.False(t, res.Met)
	assert.Contains(t, res.Note, "Screen target missed in 1 of 2 rounds")
	assert.NotContains(t, res.Note, "Rate target missed")
}

func TestDrainFloodReadsAgentTimes(t *testing.T) {
	dir := t.TempDir()
	times, err := drainFlood(context.Background(), testAgent(t), dir, floodPrompt(200_000, ""), ingestTimesFile)
	require.NoError(t, err)
	span, err := times.span()
	require.NoError(t, err)
	assert.Positive(t, span)
	assert.True(t, times.Marker.IsZero())
}

func TestDrainFloodReportsFailingAgent(t *testing.T) {
	_, err := drainFlood(context.Background(), testAgent(t), t.TempDir(), "exit:3", ingestTimesFile)
	assert.ErrorContains(t, err, "exit status 3")
}

func TestPoolRoundSeesMarker(t *testing.T) {
	dir := t.TempDir()
	env := &Env{Dir: dir, TestAgent: testAgent(t), Log: zap.NewNop()}
	pool, err := startIngestPool(context.Background(), env, dir)
	require.NoError(t, err)
	defer pool.stop()

	round, err := pool.floodAndWatch(context.Background(), floodPrompt(1<<20, "mark-7"), ingestTimesFile, "mark-7")
	require.NoError(t, err)
	span, err := round.times.span()
	require.NoError(t, err)
	assert.Positive(t, span)
	assert.False(t, round.times.Marker.Before(round.times.End))
	assert.Positive(t, round.screenLag)

	// The round cancels its task, so the agent that waited after the
	// marker has ended.
	st, err := pool.pool.Status(executor.Filter{})
	require.NoError(t, err)
	require.Len(t, st.Tasks, 1)
	assert.Equal(t, "cancelled", st.Tasks[0].State)
	require.Len(t, st.Instances, 1)
	assert.NotNil(t, st.Instances[0].EndedAt)
}

func TestPoolRoundReportsFailingAgent(t *testing.T) {
	dir := t.TempDir()
	env := &Env{Dir: dir, TestAgent: testAgent(t), Log: zap.NewNop()}
	pool, err := startIngestPool(context.Background(), env, dir)
	require.NoError(t, err)
	defer pool.stop()

	_, err = pool.floodAndWatch(context.Background(), "timestamp:"+ingestTimesFile+" exit:3", ingestTimesFile, "m")
	assert.ErrorContains(t, err, "before its agent recorded the marker time")
}
