package bench

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Targets of the memory benchmark, in bytes. For comparison, the server
// sets the Go runtime's soft memory limit to 96 MiB.
const (
	memoryTargetRSS    = 100 * mebibyte
	memoryTargetGrowth = 4 * mebibyte
)

// memoryCounts are the numbers of idle instances at which Memory reads the
// server's RSS, after the baseline with none.
var memoryCounts = []int{1, 5, 10}

// idlePrompt makes the test agent print one line and then block without
// output until it is ended.
const idlePrompt = "print:72 silent"

// memReading is the server's memory with a number of idle instances.
type memReading struct {
	instances int
	mem       memStatus
}

// Memory measures the resident memory of an axiom-mcp server with no
// instance, then with 1, 5 and 10 idle instances, each read after a forced
// wait once the instances have printed.
func Memory(ctx context.Context, env *Env) (res Result, err error) {
	settle := 5 * time.Second
	if env.Quick {
		settle = 2 * time.Second
	}
	srv, err := startServer(ctx, env, memoryCounts[len(memoryCounts)-1])
	if err != nil {
		return Result{}, err
	}
	defer func() { err = errors.Join(err, srv.stop()) }()

	readings, err := readMemory(ctx, env, srv, settle)
	if err != nil {
		return Result{}, err
	}
	return memoryResult(readings, settle), nil
}

// readMemory reads the baseline, then starts idle instances up to each of
// memoryCounts and reads the server's memory after settle.
func readMemory(ctx context.Context, env *Env, srv *mcpServer, settle time.Duration) ([]memReading, error) {
	env.Progressf("server pid %d started; waiting %s before the baseline", srv.PID(), settle)
	first, err := settledReading(ctx, srv, 0, settle)
	if err != nil {
		return nil, err
	}
	readings := []memReading{first}
	for _, count := range memoryCounts {
		running := readings[len(readings)-1].instances
		if _, err := srv.spawn(ctx, repeatPrompt(idlePrompt, count-running)); err != nil {
			return nil, err
		}
		if _, err := srv.waitOutput(ctx, count, 30*time.Second); err != nil {
			return nil, err
		}
		env.Progressf("%d idle instances have printed; waiting %s", count, settle)
		reading, err := settledReading(ctx, srv, count, settle)
		if err != nil {
			return nil, err
		}
		readings = append(readings, reading)
	}
	return readings, nil
}

// settledReading waits settle, reads the server's memory and then checks
// that count instances still run. The check comes after the reading so
// that the garbage of the status call does not count.
func settledReading(ctx context.Context, srv *mcpServer, count int, settle time.Duration) (memReading, error) {
	select {
	case <-ctx.Done():
		return memReading{}, ctx.Err()
	case <-time.After(settle):
	}
	mem, err := readMemStatus(srv.PID())
	if err != nil {
		return memReading{}, err
	}
	st, err := srv.status(ctx, map[string]any{"tail_lines": 0})
	if err != nil {
		return memReading{}, err
	}
	if st.Pool.Running != count {
		return memReading{}, fmt.Errorf("%d instances ran when the memory was read, expected %d: see %s",
			st.Pool.Running, count, srv.logPath)
	}
	return memReading{instances: count, mem: mem}, nil
}

// memoryResult turns the readings, the first with no instance, into the
// result.
func memoryResult(readings []memReading, settle time.Duration) Result {
	base, last := readings[0], readings[len(readings)-1]
	var xs, ys []float64
	var steps []string
	for _, r := range readings[1:] {
		xs = append(xs, float64(r.instances))
		ys = append(ys, float64(r.mem.RSS))
		steps = append(steps, fmt.Sprintf("%d: %.1f", r.instances, float64(r.mem.RSS)/mebibyte))
	}
	growth := leastSquaresSlope(xs, ys)
	res := Result{
		Name: fmt.Sprintf("server memory, %d idle instances", last.instances),
		Figure: fmt.Sprintf("RSS %s with %d idle instances, growth %s per instance (RSS in MiB by instances, %s)",
			mib(float64(last.mem.RSS)), last.instances, mib(growth), strings.Join(steps, ", ")),
		Baseline: fmt.Sprintf("RSS %s with no instance, the same server after start", mib(float64(base.mem.RSS))),
		Ratio:    fmt.Sprintf("%.2f", float64(last.mem.RSS)/float64(base.mem.RSS)),
		Target: fmt.Sprintf("RSS under %s with %d idle instances and growth under %s per instance",
			mib(memoryTargetRSS), last.instances, mib(memoryTargetGrowth)),
		Met: last.mem.RSS < memoryTargetRSS && growth < memoryTargetGrowth,
	}
	res.Note = fmt.Sprintf("VmRSS of the server from /proc/PID/status, read %s after the instances printed. "+
		"Growth is the least-squares slope over 1 to %d instances. With %d instances %s is anonymous "+
		"(heap, stacks) and %s file-backed (mostly the binary).", settle, last.instances, last.instances,
		mib(float64(last.mem.Anon)), mib(float64(last.mem.File)))
	if !res.Met {
		res.Note = "Target missed. " + res.Note
	}
	return res
}

// leastSquaresSlope returns the slope of the least-squares line through
// the points (xs[i], ys[i]), or 0 when the xs do not vary.
func leastSquaresSlope(xs, ys []float64) float64 {
	n := float64(len(xs))
	var sumX, sumY float64
	for i := range xs {
		sumX += xs[i]
		sumY += ys[i]
	}
	meanX, meanY := sumX/n, sumY/n
	var covariance, variance float64
	for i := range xs {
		covariance += (xs[i] - meanX) * (ys[i] - meanY)
		variance += (xs[i] - meanX) * (xs[i] - meanX)
	}
	if variance == 0 {
		return 0
	}
	return covariance / variance
}
