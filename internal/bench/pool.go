package bench

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"
)

// poolTarget is the highest accepted ratio of axiom-mcp's wall time to the
// baseline's.
const poolTarget = 1.10

// Shape of the pool benchmark's batch.
const (
	poolTasks = 200
	poolSlots = 10
)

// PoolOverhead measures what the pool adds to a batch of 200 one-second
// tasks run 10 at a time: the wall time of "axiom-mcp run" against xargs
// -P 10 running the same commands, each in a pseudo-terminal from script.
// The runs alternate, baseline first.
func PoolOverhead(ctx context.Context, env *Env) (Result, error) {
	runs := 3
	if env.Quick {
		runs = 1
	}
	b := batch{command: shellQuote(env.TestAgent) + " chatty:1", tasks: poolTasks, slots: poolSlots}
	var axiom []axiomRun
	var baseline []time.Duration
	for n := range runs {
		took, err := runXargs(ctx, env, b, n)
		if err != nil {
			return Result{}, fmt.Errorf("baseline run %d: %w", n+1, err)
		}
		baseline = append(baseline, took)
		env.Progressf("xargs run %d: %s", n+1, seconds(took))

		run, err := runAxiom(ctx, env, b, n)
		if err != nil {
			return Result{}, fmt.Errorf("axiom-mcp run %d: %w", n+1, err)
		}
		axiom = append(axiom, run)
		env.Progressf("axiom-mcp run %d: %s, first agent at %s, last at %s", n+1, seconds(run.took),
			Millis(run.firstStart), seconds(run.lastStart))
	}
	return poolResult(b, axiom, baseline), nil
}

// poolResult compares the median wall times. The note describes the
// axiom-mcp run with the median wall time.
func poolResult(b batch, axiom []axiomRun, baseline []time.Duration) Result {
	median := medianRun(axiom)
	figure, base := median.took, Percentile(baseline, 50)
	r := durationRatio(figure, base)
	res := Result{
		Name: "pool overhead",
		Figure: fmt.Sprintf("axiom-mcp run --agent 'sh -c' --max-instances %d: median %s of %d runs",
			b.slots, seconds(figure), len(axiom)),
		Baseline: fmt.Sprintf("xargs -P %d script -qec CMD /dev/null: median %s of %d runs",
			b.slots, seconds(base), len(baseline)),
		Ratio:  fmt.Sprintf("%.3f", r),
		Target: fmt.Sprintf("wall time ratio at most %.2f", poolTarget),
		Met:    r <= poolTarget,
		Note: fmt.Sprintf("%d tasks of %q, each about 1 s; wall time from starting the command to its exit, "+
			"against an ideal of %s. In the median axiom-mcp run the first agent started %s after the command, "+
			"the last %s after it.", b.tasks, "testagent chatty:1", seconds(idealWall(b)), Millis(median.firstStart),
			seconds(median.lastStart)),
	}
	if !res.Met {
		res.Note = fmt.Sprintf("missed: axiom-mcp took %s more than xargs. ", seconds(figure-base)) + res.Note
	}
	return res
}

// medianRun returns the run with the median wall time, by the nearest-rank
// method of Percentile.
func medianRun(runs []axiomRun) axiomRun {
	sorted := slices.Clone(runs)
	slices.SortFunc(sorted, func(a, b axiomRun) int { return cmp.Compare(a.took, b.took) })
	rank := (len(sorted) + 1) / 2
	return sorted[max(rank, 1)-1]
}

// idealWall is the wall time of the batch with no overhead at all: one
// second per task, b.slots at a time.
func idealWall(b batch) time.Duration {
	rounds := (b.tasks + b.slots - 1) / b.slots
	return time.Duration(rounds) * time.Second
}

func seconds(d time.Duration) string {
	return fmt.Sprintf("%.2f s", d.Seconds())
}

// shellQuote quotes s as one word for sh.
func shellQuote(s string) string {
	quoted := "'"
	for _, r := range s {
		if r == '\'' {
			quoted += `'\''`
		} else {
			quoted += string(r)
		}
	}
	return quoted + "'"
}
