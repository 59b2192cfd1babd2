package bench

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// killGrace is the time between SIGTERM and SIGKILL in the kill benchmark,
// short so that the case of an agent that ignores SIGTERM runs quickly.
const killGrace = 500 * time.Millisecond

// killTarget is the longest a kill may take, after the grace period, to
// end every process of the agent's tree.
const killTarget = 100 * time.Millisecond

// killPollInterval is how often the benchmark reads /proc while a kill runs.
const killPollInterval = time.Millisecond

// killCase is one kind of agent the kill benchmark ends. Each agent starts a
// child in its own process group and a child in a session of its own, both
// holding the terminal, and then waits.
type killCase struct {
	// name describes the agent, such as "exits on SIGTERM".
	name string
	// prompt is the test agent's directives.
	prompt string
	// ignoresTerm is true for an agent that only SIGKILL ends, so the
	// grace period is part of every kill and is subtracted.
	ignoresTerm bool
}

var killCases = []killCase{
	{name: "exits on SIGTERM", prompt: "background-child session-child silent"},
	{name: "ignores SIGTERM", prompt: "background-child session-child ignore-term", ignoresTerm: true},
}

// killSample is one measured kill.
type killSample struct {
	// agent is the time from the decision to the agent itself gone.
	agent time.Duration
	// tree is the time from the decision to the last process of the tree
	// gone; the baseline leaves this zero.
	tree time.Duration
	// survived reports whether the child in its own session still ran
	// when the kill was over.
	survived bool
}

// killSeries is every sample of one case.
type killSeries struct {
	c        killCase
	pool     []killSample
	baseline []killSample
}

// KillLatency measures how long a kill by the pool takes to end an agent's
// whole process tree, including a grandchild in its own session, against
// signalling the agent's process group as a plain tool does.
func KillLatency(ctx context.Context, env *Env) (Result, error) {
	runs := 20
	if env.Quick {
		runs = 5
	}
	pool, err := startKillPool(ctx, env)
	if err != nil {
		return Result{}, err
	}
	defer pool.stop()

	var series []killSeries
	for _, c := range killCases {
		s := killSeries{c: c}
		for n := range runs {
			plain, err := measurePlainKill(ctx, env, c, n)
			if err != nil {
				return Result{}, fmt.Errorf("baseline kill of an agent that %s, run %d: %w", c.name, n+1, err)
			}
			s.baseline = append(s.baseline, plain)
			sample, err := pool.measure(ctx, c)
			if err != nil {
				return Result{}, fmt.Errorf("pool kill of an agent that %s, run %d: %w", c.name, n+1, err)
			}
			s.pool = append(s.pool, sample)
		}
		env.Progressf("%s: pool worst %s, baseline worst %s", c.name,
			Millis(worstOf(trees(s.pool))), Millis(worstOf(agents(s.baseline))))
		series = append(series, s)
	}
	return killResult(series), nil
}

// killResult turns the samples into the result row.
func killResult(series []killSeries) Result {
	var figures, baselines, ratios, slow []string
	met := true
	survived, baselineRuns := 0, 0
	for _, s := range series {
		tree, plain := trees(s.pool), agents(s.baseline)
		worst := worstOf(tree)
		if worst >= killTarget {
			met = false
			slow = append(slow, fmt.Sprintf("%s: the agent was gone after a median %s, its last process after %s",
				s.c.name, Millis(Percentile(agents(s.pool), 50)), Millis(Percentile(tree, 50))))
		}
		figures = append(figures, fmt.Sprintf("%s: median %s, worst %s", s.c.name,
			Millis(Percentile(tree, 50)), Millis(worst)))
		baselines = append(baselines, fmt.Sprintf("%s: median %s, worst %s", s.c.name,
			Millis(Percentile(plain, 50)), Millis(worstOf(plain))))
		ratios = append(ratios, fmt.Sprintf("%.2f (%s)", durationRatio(Percentile(tree, 50), Percentile(plain, 50)), s.c.name))
		for _, b := range s.baseline {
			baselineRuns++
			if b.survived {
				survived++
			}
		}
	}
	res := Result{
		Name: "kill",
		Figure: "time from Pool.Kill to every process of the agent's tree gone, after the " +
			Millis(killGrace) + " grace when the agent ignores SIGTERM; " + strings.Join(figures, "; "),
		Baseline: fmt.Sprintf("SIGTERM to the agent's process group, SIGKILL after %s if the agent still runs, "+
			"until the agent is gone; %s; the grandchild in its own session survived %d of %d runs",
			Millis(killGrace), strings.Join(baselines, "; "), survived, baselineRuns),
		Ratio:  "medians: " + strings.Join(ratios, ", "),
		Target: "worst under " + Millis(killTarget) + " after the grace period",
		Met:    met,
	}
	res.Note = "Pool.Kill reads /proc for the agent's tree before it signals, then signals the children " +
		"outside the agent's process group with the group; a process counts as gone once it is a zombie."
	if !met {
		res.Note = "missed: " + strings.Join(slow, "; ") + ". " + res.Note
	}
	return res
}

func trees(samples []killSample) []time.Duration {
	out := make([]time.Duration, len(samples))
	for n, s := range samples {
		out[n] = s.tree
	}
	return out
}

func agents(samples []killSample) []time.Duration {
	out := make([]time.Duration, len(samples))
	for n, s := range samples {
		out[n] = s.agent
	}
	return out
}

func worstOf(samples []time.Duration) time.Duration {
	return Percentile(samples, 100)
}

// durationRatio returns figure divided by baseline, or 0 for a zero baseline.
func durationRatio(figure, baseline time.Duration) float64 {
	if baseline <= 0 {
		return 0
	}
	return float64(figure) / float64(baseline)
}
