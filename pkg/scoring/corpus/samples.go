package corpus

import (
	"fmt"
	"time"

	"github.com/axiom-mcp/axiom-mcp/pkg/scoring"
)

// tick is the spacing of the samples a trace produces.
const tick = time.Second

// Samples returns the samples of t, one per second, merged from its
// segments by the rules of the package documentation. The sample at index
// i is taken at start plus i+1 seconds.
func (t Trace) Samples(start time.Time) ([]scoring.Sample, error) {
	if err := t.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", t.source(), err)
	}
	return t.merge(start)
}

// merge builds the samples without checking the fields, which Validate
// does. It returns an error for two segments that conflict on one tick.
func (t Trace) merge(start time.Time) ([]scoring.Sample, error) {
	n := int(t.Duration / tick)
	samples := make([]scoring.Sample, n)
	for i := range samples {
		samples[i].At = start.Add(time.Duration(i+1) * tick)
		samples[i].Interval = tick
	}
	// stateFrom and upstreamFrom record which segment set a tick's state
	// and upstream error, to name both segments of a conflict.
	stateFrom := make([]int, n)
	upstreamFrom := make([]int, n)
	for i, seg := range t.Segments {
		for at := seg.From + seg.Every; at <= seg.To; at += seg.Every {
			index := int(at/tick) - 1
			if err := addSegment(&samples[index], seg, i, &stateFrom[index], &upstreamFrom[index]); err != nil {
				return nil, fmt.Errorf("tick %s: %w", at, err)
			}
		}
	}
	return samples, nil
}

// addSegment merges seg, the segment at index, into sample. stateFrom and
// upstreamFrom hold the index plus one of the segment that set the
// sample's state and upstream error, or 0.
func addSegment(sample *scoring.Sample, seg Segment, index int, stateFrom, upstreamFrom *int) error {
	sample.ChangedLines += seg.ChangedLines
	sample.FilesCreated += seg.FilesCreated
	sample.FilesModified += seg.FilesModified
	sample.FilesDeleted += seg.FilesDeleted
	sample.CPU += seg.CPU
	sample.Thinking = sample.Thinking || seg.Thinking
	sample.Input = sample.Input || seg.Input
	for kind, count := range seg.Tools {
		if sample.Tools == nil {
			sample.Tools = make(map[scoring.ToolKind]int)
		}
		sample.Tools[kind] += count
	}
	if seg.State != scoring.StateUnknown {
		if *stateFrom != 0 && sample.State != seg.State {
			return fmt.Errorf("samples[%d] sets state %s and samples[%d] sets state %s: set one state per tick",
				*stateFrom-1, sample.State, index, seg.State)
		}
		sample.State, *stateFrom = seg.State, index+1
	}
	if seg.Upstream != nil {
		if *upstreamFrom != 0 {
			return fmt.Errorf("samples[%d] and samples[%d] both set an upstream error: set one upstream error per tick",
				*upstreamFrom-1, index)
		}
		sample.Upstream, *upstreamFrom = seg.Upstream.sample(sample.At), index+1
	}
	return nil
}

// sample returns u as the tracker reads it in a sample taken at at.
func (u Upstream) sample(at time.Time) *scoring.Upstream {
	upstream := &scoring.Upstream{Kind: u.Kind, Status: u.Status, Message: u.Message}
	if u.ResetAfter > 0 {
		upstream.ResetAt = at.Add(u.ResetAfter)
	}
	return upstream
}
