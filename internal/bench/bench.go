// Package bench measures axiom-mcp against baselines run on the same
// machine in the same run: how fast it detects a screen change, how much of an
// agent's output rate it keeps, what the pool adds to a batch of short
// tasks, how fast a kill ends a process tree, what idle instances cost in
// memory, how fast status returns under load, and how much CPU the server
// uses next to real Claude Code instances.
//
// Each benchmark returns a Result that names its figure, its baseline, the
// ratio between them and the target it is held against. The axiom-bench
// command runs them and writes the table to docs/benchmarks.md.
package bench

import (
	"context"
	"fmt"
	"io"
	"math"
	"slices"
	"time"

	"go.uber.org/zap"
)

// Result is the outcome of one benchmark.
type Result struct {
	// Name identifies the benchmark, such as "state detection".
	Name string
	// Figure is the measured result of axiom-mcp, such as "median 12 ms, p99 40 ms".
	Figure string
	// Baseline is the same measure for the baseline, measured in the same
	// run, and what the baseline is.
	Baseline string
	// Ratio compares the figure with the baseline, such as "0.05".
	Ratio string
	// Target is the value the figure must reach.
	Target string
	// Met reports whether the figure reached the target.
	Met bool
	// Note explains a missed target or how to read the figure.
	Note string
}

// Env is the environment of one benchmark: its own directory and the programs it
// runs.
type Env struct {
	// Dir is a directory the benchmark may fill; it is removed afterwards.
	Dir string
	// TestAgent is the scripted test agent binary.
	TestAgent string
	// Server is the axiom-mcp binary.
	Server string
	// Claude is the Claude Code CLI, or "" when it is missing or may not
	// run here, and ClaudeMissing then gives the reason.
	Claude        string
	ClaudeMissing string
	// Quick selects fewer repetitions, for a trial of the command itself.
	Quick bool
	// Progress receives a line now and then during long benchmarks.
	Progress io.Writer
	// Log is the logger for pools and servers that run in process.
	Log *zap.Logger
}

// Progressf writes one progress line.
func (e *Env) Progressf(format string, args ...any) {
	if e.Progress != nil {
		fmt.Fprintf(e.Progress, "  "+format+"\n", args...)
	}
}

// SkipError reports that a benchmark cannot run on this machine, and what
// it needs.
type SkipError struct {
	Reason string
}

func (e *SkipError) Error() string { return "skipped: " + e.Reason }

// Benchmark is one named measurement.
type Benchmark struct {
	// Name is the short name that selects the benchmark on the command line.
	Name string
	// Run measures and returns the result. It stops early when ctx ends.
	Run func(ctx context.Context, env *Env) (Result, error)
}

// All returns every benchmark in the order the command runs them.
func All() []Benchmark {
	return []Benchmark{
		{Name: "state", Run: StateDetection},
		{Name: "ingest", Run: Ingest},
		{Name: "pool", Run: PoolOverhead},
		{Name: "kill", Run: KillLatency},
		{Name: "memory", Run: Memory},
		{Name: "status", Run: StatusLatency},
		{Name: "cpu", Run: ServerCPU},
	}
}

// Percentile returns the p-th percentile (0 to 100) of samples by the
// nearest-rank method, or 0 for no samples. It does not change samples.
func Percentile(samples []time.Duration, p float64) time.Duration {
	if len(samples) == 0 {
		return 0
	}
	sorted := slices.Clone(samples)
	slices.Sort(sorted)
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}

// Millis formats d in milliseconds with one decimal, as the tables show
// latencies.
func Millis(d time.Duration) string {
	return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
}
