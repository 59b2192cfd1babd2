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

func TestSamplesOnePerSecond(t *testing.T) {
	samples, err := idleTrace(3*time.Second, Segment{To: time.Second, Every: time.Second}).Samples(runStart)

	require.NoError(t, err)
	require.Len(t, samples, 3)
	assert.Equal(t, runStart.Add(time.Second), samples[0].At)
	assert.Equal(t, runStart.Add(3*time.Second), samples[2].At)
	assert.Equal(t, time.Second, samples[2].Interval)
}

func TestSamplesSegmentTicks(t *testing.T) {
	trace := idleTrace(12*time.Second, Segment{From: 2 * time.Second, To: 12 * time.Second, Every: 5 * time.Second, ChangedLines: 1})

	samples, err := trace.Samples(runStart)

	require.NoError(t, err)
	var ticks []int
	for i, s := range samples {
		if s.ChangedLines > 0 {
			ticks = append(ticks, i+1)
		}
	}
	assert.Equal(t, []int{7, 12}, ticks, "ticks are from+every, from+2*every, up to to")
}

func TestSamplesAdjacentSegmentsShareNoTick(t *testing.T) {
	trace := idleTrace(4*time.Second,
		Segment{To: 2 * time.Second, Every: time.Second, ChangedLines: 1},
		Segment{From: 2 * time.Second, To: 4 * time.Second, Every: time.Second, ChangedLines: 10},
	)

	samples, err := trace.Samples(runStart)

	require.NoError(t, err)
	assert.Equal(t, 1, samples[1].ChangedLines)
	assert.Equal(t, 10, samples[2].ChangedLines)
}

func TestSamplesMergeOverlaps(t *testing.T) {
	trace := idleTrace(2*time.Second,
		Segment{To: 2 * time.Second, Every: time.Second, ChangedLines: 2, FilesCreated: 1,
			Tools: map[scoring.ToolKind]int{scoring.ToolCode: 1}, CPU: 100 * time.Millisecond, State: scoring.StateWorking},
		Segment{To: 2 * time.Second, Every: 2 * time.Second, ChangedLines: 3, FilesDeleted: 1,
			Tools: map[scoring.ToolKind]int{scoring.ToolCode: 2, scoring.ToolRun: 1}, CPU: 50 * time.Millisecond,
			State: scoring.StateWorking, Thinking: true, Input: true},
	)

	samples, err := trace.Samples(runStart)

	require.NoError(t, err)
	first, second := samples[0], samples[1]
	assert.Equal(t, 2, first.ChangedLines)
	assert.False(t, first.Thinking)
	assert.Equal(t, 5, second.ChangedLines)
	assert.Equal(t, 1, second.FilesCreated)
	assert.Equal(t, 1, second.FilesDeleted)
	assert.Equal(t, map[scoring.ToolKind]int{scoring.ToolCode: 3, scoring.ToolRun: 1}, second.Tools)
	assert.Equal(t, 150*time.Millisecond, second.CPU)
	assert.Equal(t, scoring.StateWorking, second.State)
	assert.True(t, second.Thinking)
	assert.True(t, second.Input)
}

func TestSamplesUpstreamResetTime(t *testing.T) {
	trace := idleTrace(5*time.Second,
		Segment{From: time.Second, To: 2 * time.Second, Every: time.Second,
			Upstream: &Upstream{Kind: scoring.UpstreamRateLimited, Status: 429, ResetAfter: 90 * time.Second}},
		Segment{From: 3 * time.Second, To: 4 * time.Second, Every: time.Second,
			Upstream: &Upstream{Kind: scoring.UpstreamOverloaded}},
	)

	samples, err := trace.Samples(runStart)

	require.NoError(t, err)
	require.NotNil(t, samples[1].Upstream)
	assert.Equal(t, runStart.Add(92*time.Second), samples[1].Upstream.ResetAt)
	assert.Equal(t, 429, samples[1].Upstream.Status)
	require.NotNil(t, samples[3].Upstream)
	assert.True(t, samples[3].Upstream.ResetAt.IsZero(), "no reset_after leaves the reset time unknown")
}

func TestSamplesRejectTwoUpstreamErrorsOnOneTick(t *testing.T) {
	upstream := &Upstream{Kind: scoring.UpstreamOverloaded}
	trace := idleTrace(2*time.Second,
		Segment{To: 2 * time.Second, Every: time.Second, Upstream: upstream},
		Segment{To: 2 * time.Second, Every: 2 * time.Second, Upstream: upstream},
	)

	_, err := trace.Samples(runStart)

	require.Error(t, err)
	assert.Contains(t, err.Error(), "tick 2s: samples[0] and samples[1] both set an upstream error")
}

func TestSamplesAllowSameStateTwice(t *testing.T) {
	trace := idleTrace(2*time.Second,
		Segment{To: 2 * time.Second, Every: time.Second, State: scoring.StateWorking},
		Segment{To: 2 * time.Second, Every: time.Second, State: scoring.StateWorking},
	)

	_, err := trace.Samples(runStart)

	assert.NoError(t, err)
}
