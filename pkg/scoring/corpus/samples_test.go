package corpus

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/axiom-mcp/axiom-mcp/pkg/scoring"
)

// idleTrace returns a valid trace with the given segments.
func idleTrace(duration time.Duration, segments ...Segment) Trace {
	return Trace{Name: "t", Label: LabelIdle, Expect: ExpectKillIdle, Duration: duration, Segments: segments}
}

// every returns a segment that acts each period from from to to.
func every(period, from, to time.Duration) Segment {
	return Segment{From: from, To: to, Every: period}
}

func TestSamplesOnePerSecond(t *testing.T) {
	samples, err := idleTrace(3*time.Second, every(time.Second, 0, time.Second)).Samples(runStart)

	require.NoError(t, err)
	require.Len(t, samples, 3)
	assert.Equal(t, runStart.Add(time.Second), samples[0].At)
	assert.Equal(t, runStart.Add(3*time.Second), samples[2].At)
	assert.Equal(t, time.Second, samples[2].Interval)
}

func TestSamplesSegmentTicks(t *testing.T) {
	seg := every(5*time.Second, 2*time.Second, 12*time.Second)
	seg.Create = []string{"f{n}.go"}

	samples, err := idleTrace(12*time.Second, seg).Samples(runStart)

	require.NoError(t, err)
	var ticks []int
	for i, s := range samples {
		if s.FilesCreated > 0 {
			ticks = append(ticks, i+1)
		}
	}
	assert.Equal(t, []int{7, 12}, ticks, "ticks are from+every, from+2*every, up to to")
}

func TestSamplesClassifyTheFrame(t *testing.T) {
	working := every(time.Second, 0, 2*time.Second)
	working.Screen = "working"
	asking := every(time.Second, 2*time.Second, 3*time.Second)
	asking.Screen = "permission"

	samples, err := idleTrace(4*time.Second, working, asking).Samples(runStart)

	require.NoError(t, err)
	assert.Equal(t, scoring.StateWorking, samples[1].State)
	assert.Equal(t, scoring.StateWaitingInput, samples[2].State)
	assert.Equal(t, scoring.StateWaitingInput, samples[3].State, "a frame stays until another replaces it")
}

func TestSamplesThinkingAndStall(t *testing.T) {
	thinking := every(time.Second, 0, 3*time.Second)
	thinking.Screen = "thinking"
	stalled := every(time.Second, 3*time.Second, 6*time.Second)
	stalled.Screen = "stalled"

	samples, err := idleTrace(6*time.Second, thinking, stalled).Samples(runStart)

	require.NoError(t, err)
	assert.True(t, samples[2].Thinking)
	assert.False(t, samples[5].Thinking)
	assert.Zero(t, samples[2].ChangedLines, "a spinner timer is no output")
}

func TestSamplesPrintedLinesChangeTheScreen(t *testing.T) {
	seg := every(time.Second, 0, 2*time.Second)
	seg.Screen = "working"
	seg.Print = []string{"first line of part {n}", "second line of part {n}"}
	quiet := every(time.Second, 2*time.Second, 3*time.Second)
	quiet.Print = []string{"a different sentence", "and one more"}

	samples, err := idleTrace(3*time.Second, seg, quiet).Samples(runStart)

	require.NoError(t, err)
	assert.Positive(t, samples[0].ChangedLines)
	assert.Positive(t, samples[2].ChangedLines)
}

func TestSamplesFileEventsPassTheWatcherFilter(t *testing.T) {
	seg := every(time.Second, 0, time.Second)
	seg.Create = []string{"src/a.go", "src/a.go.tmp.4242.1f2e", "node_modules/x/index.js", "notes.txt~"}
	again := every(time.Second, time.Second, 2*time.Second)
	again.Create = []string{"src/a.go"}
	again.Delete = []string{"src/a.go", "never/existed.go"}

	samples, err := idleTrace(2*time.Second, seg, again).Samples(runStart)

	require.NoError(t, err)
	assert.Equal(t, 1, samples[0].FilesCreated, "temp names and ignored folders do not count")
	assert.Equal(t, 1, samples[1].FilesModified, "creating an existing file rewrites it")
	assert.Equal(t, 1, samples[1].FilesDeleted, "deleting a missing file is no event")
}

func TestSamplesTranscriptRecordsBecomeToolKinds(t *testing.T) {
	seg := every(time.Second, 0, time.Second)
	seg.Transcript = []string{"write", "edit", "read", "grep", "bash-build", "todo", "text"}

	samples, err := idleTrace(time.Second, seg).Samples(runStart)

	require.NoError(t, err)
	assert.Equal(t, map[scoring.ToolKind]int{scoring.ToolCode: 2, scoring.ToolResearch: 2, scoring.ToolRun: 1,
		scoring.ToolPlanning: 1}, samples[0].Tools)
}

func TestSamplesAPIErrorRecordPauses(t *testing.T) {
	seg := every(time.Second, time.Second, 2*time.Second)
	seg.Transcript = []string{"api-error-401"}

	samples, err := idleTrace(2*time.Second, seg).Samples(runStart)

	require.NoError(t, err)
	require.NotNil(t, samples[1].Upstream)
	assert.Equal(t, scoring.UpstreamAuthFailed, samples[1].Upstream.Kind)
}

func TestSamplesTurnEndRecordFinishesTheTurn(t *testing.T) {
	seg := every(time.Second, time.Second, 2*time.Second)
	seg.Screen = "turn-finished"
	seg.Transcript = []string{"turn-end"}
	summaryOnly := every(time.Second, 0, time.Second)
	summaryOnly.Screen = "turn-finished"

	samples, err := idleTrace(2*time.Second, summaryOnly, seg).Samples(runStart)

	require.NoError(t, err)
	assert.Equal(t, scoring.StateUnknown, samples[0].State, "a summary line alone finishes no turn")
	assert.Equal(t, scoring.StateTurnFinished, samples[1].State)
}

func TestSamplesCPUPerSecond(t *testing.T) {
	seg := every(time.Second, 0, 3*time.Second)
	seg.CPU = 900 * time.Millisecond

	samples, err := idleTrace(3*time.Second, seg).Samples(runStart)

	require.NoError(t, err)
	assert.Zero(t, samples[0].CPU, "the first tick has no earlier CPU time to compare")
	assert.Equal(t, 900*time.Millisecond, samples[2].CPU)
}

func TestSamplesInput(t *testing.T) {
	seg := every(time.Second, time.Second, 2*time.Second)
	seg.Input = true

	samples, err := idleTrace(2*time.Second, seg).Samples(runStart)

	require.NoError(t, err)
	assert.False(t, samples[0].Input)
	assert.True(t, samples[1].Input)
}

func TestSamplesRejectTwoFramesOnOneTick(t *testing.T) {
	a, b := every(time.Second, 0, 2*time.Second), every(2*time.Second, 0, 2*time.Second)
	a.Screen, b.Screen = "working", "ready"

	_, err := idleTrace(2*time.Second, a, b).Samples(runStart)

	require.Error(t, err)
	assert.Contains(t, err.Error(), "tick 2s: events[0] shows frame working and events[1] shows frame ready")
}

func TestSamplesAllowSameFrameTwice(t *testing.T) {
	a, b := every(time.Second, 0, 2*time.Second), every(time.Second, 0, 2*time.Second)
	a.Screen, b.Screen = "working", "working"

	_, err := idleTrace(2*time.Second, a, b).Samples(runStart)

	assert.NoError(t, err)
}
