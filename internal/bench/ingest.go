package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// Settings of the ingest benchmark.
const (
	// ingestCols and ingestRows are the pool's default terminal size, used
	// for the baseline's PTY too.
	ingestCols, ingestRows = 120, 40
	ingestFloodBytes       = 64 << 20
	ingestQuickFloodBytes  = 16 << 20
	ingestRounds           = 5
	ingestQuickRounds      = 2
	// ingestTimesFile is the agent's timestamp file, in its working
	// directory.
	ingestTimesFile   = "ingest-times.txt"
	ingestTargetRatio = 0.9
	ingestTargetLag   = 100 * time.Millisecond
)

// Ingest measures how much of an agent's output rate axiom-mcp keeps. The
// test agent writes a flood of bytes as fast as it can, in rounds that
// alternate between an in-process pool and a baseline that drains the same
// agent's PTY into io.Discard. Both rates are timed by the agent's own clock
// from its first to its last write. In the pool the agent then writes a
// marker line and waits, and the benchmark measures how soon the screen
// shows the marker.
func Ingest(ctx context.Context, env *Env) (Result, error) {
	rounds, floodBytes := ingestRounds, ingestFloodBytes
	if env.Quick {
		rounds, floodBytes = ingestQuickRounds, ingestQuickFloodBytes
	}
	pool, err := startIngestPool(ctx, env, env.Dir)
	if err != nil {
		return Result{}, err
	}
	defer pool.stop()

	samples := ingestSamples{floodBytes: int64(floodBytes)}
	for round := 1; round <= rounds; round++ {
		if err := samples.runRound(ctx, env, pool, round); err != nil {
			return Result{}, fmt.Errorf("round %d of %d: %w", round, rounds, err)
		}
		env.Progressf("round %d/%d: baseline %.1f MB/s, pool %.1f MB/s, screen lag %s", round, rounds,
			megabytesPerSecond(samples.floodBytes, samples.baseline[round-1]),
			megabytesPerSecond(samples.floodBytes, samples.pooled[round-1]), Millis(samples.screenLag[round-1]))
	}
	return samples.result(), nil
}

// runRound runs one baseline flood and one in the pool. Odd rounds start
// with the baseline and even rounds with the pool, which spreads any drift
// of the machine's load over both sides.
func (s *ingestSamples) runRound(ctx context.Context, env *Env, pool *ingestPool, round int) error {
	steps := []func() error{
		func() error { return s.addBaseline(ctx, env, round) },
		func() error { return s.addPooled(ctx, pool, round) },
	}
	if round%2 == 0 {
		steps[0], steps[1] = steps[1], steps[0]
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// floodPrompt returns the directives that time a flood of n bytes. The
// pooled rounds add the marker line and then block, so that the instance
// keeps running while its screen is polled.
func floodPrompt(n int, marker string) string {
	prompt := "timestamp:" + ingestTimesFile + " flood:" + strconv.Itoa(n) + " timestamp:" + ingestTimesFile
	if marker == "" {
		return prompt
	}
	return prompt + " timestamp:" + ingestTimesFile + " say:" + marker + " silent"
}

// addBaseline runs one baseline flood in a directory of its own and
// records its span and the CPU time of the reader in this process.
func (s *ingestSamples) addBaseline(ctx context.Context, env *Env, round int) error {
	dir := filepath.Join(env.Dir, "baseline-"+strconv.Itoa(round))
	if err := os.Mkdir(dir, 0o755); err != nil {
		return fmt.Errorf("create the baseline directory: %w", err)
	}
	cpuBefore := processCPU()
	times, err := drainFlood(ctx, env.TestAgent, dir, floodPrompt(int(s.floodBytes), ""), ingestTimesFile)
	if err != nil {
		return fmt.Errorf("baseline: %w", err)
	}
	cpu := processCPU() - cpuBefore
	span, err := times.span()
	if err != nil {
		return fmt.Errorf("baseline: %w", err)
	}
	s.baseline = append(s.baseline, span)
	s.baselineCPU = append(s.baselineCPU, cpu)
	return nil
}

// addPooled runs one flood in the pool and records its span, the screen
// lag and the CPU time this process used meanwhile.
func (s *ingestSamples) addPooled(ctx context.Context, pool *ingestPool, round int) error {
	marker := "ingest-marker-" + strconv.Itoa(round)
	cpuBefore := processCPU()
	measured, err := pool.floodAndWatch(ctx, floodPrompt(int(s.floodBytes), marker), ingestTimesFile, marker)
	if err != nil {
		return fmt.Errorf("pool: %w", err)
	}
	cpu := processCPU() - cpuBefore
	span, err := measured.times.span()
	if err != nil {
		return fmt.Errorf("pool: %w", err)
	}
	s.pooled = append(s.pooled, span)
	s.screenLag = append(s.screenLag, measured.screenLag)
	s.textLag = append(s.textLag, measured.textLag)
	s.pooledCPU = append(s.pooledCPU, cpu)
	s.dropped = append(s.dropped, measured.dropped)
	return nil
}

// processCPU returns the user and system CPU time this process has used,
// or 0 when the kernel does not report it.
func processCPU() time.Duration {
	var usage syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &usage); err != nil {
		return 0
	}
	return time.Duration(usage.Utime.Nano() + usage.Stime.Nano())
}
