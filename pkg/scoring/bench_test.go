package scoring

import (
	"testing"
	"time"
)

// BenchmarkTrackerTick observes one sample and evaluates it, as the pool
// does once a second for each instance, with a full window of samples.
func BenchmarkTrackerTick(b *testing.B) {
	tr := NewTracker(Thresholds{}, start)
	at := start
	sample := func() Sample {
		at = at.Add(time.Second)
		return Sample{At: at, ChangedLines: 2, Tools: map[ToolKind]int{ToolCode: 1}, CPU: 100 * time.Millisecond,
			Interval: time.Second, State: StateWorking}
	}
	for range 120 {
		tr.Observe(sample())
		tr.Evaluate(at)
	}
	b.ReportAllocs()
	for b.Loop() {
		tr.Observe(sample())
		tr.Evaluate(at)
	}
}
