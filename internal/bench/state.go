package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
	"github.com/axiom-mcp/axiom-mcp/pkg/profile"
)

// Targets of the state-detection benchmark.
const (
	stateMedianTarget = 100 * time.Millisecond
	stateP99Target    = 250 * time.Millisecond
	// pollInterval is how often the baseline looks at each screen, as tools
	// that capture a terminal pane on a timer do.
	pollInterval = 500 * time.Millisecond
)

// StateDetection times how long a change of an agent's screen takes to
// reach a client as a state event. Four interactive test agents run in
// one pool with the durable store, as the server runs them. Each turn
// switches between its busy screen and a permission question at random
// intervals of 250 to 650 ms and logs when it wrote each switch. The
// figure is the time from that write to the arrival of the matching
// instance_state event at a subscriber. The baseline, in the same run, is
// a poller that reads every instance's screen every 500 ms and classifies
// it with the same profile.
func StateDetection(ctx context.Context, env *Env) (Result, error) {
	instances, flips := 4, 40
	if env.Quick {
		instances, flips = 2, 10
	}
	run, err := startStateRun(ctx, env, instances, flips)
	if err != nil {
		return Result{}, err
	}
	defer run.stop()
	env.Progressf("%d agents, %d questions each", instances, flips)
	if err := run.wait(ctx); err != nil {
		return Result{}, err
	}
	ours, base, err := run.latencies()
	if err != nil {
		return Result{}, err
	}
	return stateResult(ours, base), nil
}

// stateResult compares the pool's latencies with the poller's.
func stateResult(ours, base matchResult) Result {
	med, p99 := Percentile(ours.latencies, 50), Percentile(ours.latencies, 99)
	baseMed, baseP99 := Percentile(base.latencies, 50), Percentile(base.latencies, 99)
	res := Result{
		Name: "state detection",
		Figure: fmt.Sprintf("median %s, p99 %s, max %s over %d screen changes; %d missed",
			Millis(med), Millis(p99), Millis(Percentile(ours.latencies, 100)), ours.changes, ours.missed),
		Baseline: fmt.Sprintf("polling each screen every 500 ms: median %s, p99 %s; %d of %d changes missed",
			Millis(baseMed), Millis(baseP99), base.missed, base.changes),
		Target: "median under 100 ms, p99 under 250 ms, none missed",
		Met:    med < stateMedianTarget && p99 < stateP99Target && ours.missed == 0 && len(ours.latencies) > 0,
	}
	if baseMed > 0 {
		res.Ratio = fmt.Sprintf("%.2f (medians)", float64(med)/float64(baseMed))
	}
	if !res.Met {
		res.Note = "the state-detection target was missed; see the figure for which part"
	}
	return res
}

// stateRun is a pool of flipping agents with a subscriber that stamps each
// state event and a poller that stands for the baseline.
type stateRun struct {
	pool    *executor.Pool
	prof    *profile.Profile
	taskIDs []string
	stop    func()

	mu     sync.Mutex
	events map[string][]seen // instance id -> state events as received
	polled map[string][]seen // instance id -> states the poller saw change
}

// seen is a state observed at a time.
type seen struct {
	at    time.Time
	state string
}

func startStateRun(ctx context.Context, env *Env, instances, flips int) (*stateRun, error) {
	directives := fmt.Sprintf("tui-flip:%d tui:0", flips)
	p, err := startStorePool(ctx, env, instances, directives)
	if err != nil {
		return nil, err
	}

	r := &stateRun{pool: p.pool, prof: p.prof, events: map[string][]seen{}, polled: map[string][]seen{}}
	events, unsubscribe := p.pool.Subscribe(4096)
	loops, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); r.collect(loops, events) }()
	go func() { defer wg.Done(); r.poll(loops) }()
	r.stop = func() {
		cancel()
		unsubscribe()
		wg.Wait()
		p.stop()
	}

	specs := make([]executor.TaskSpec, instances)
	for i := range specs {
		specs[i] = executor.TaskSpec{Prompt: "flip between working and asking"}
	}
	infos, err := p.pool.Submit(specs)
	if err != nil {
		r.stop()
		return nil, fmt.Errorf("submit the flipping tasks: %w", err)
	}
	for _, info := range infos {
		r.taskIDs = append(r.taskIDs, info.ID)
	}
	return r, nil
}

// collect stamps every state event as it arrives.
func (r *stateRun) collect(ctx context.Context, events <-chan executor.Event) {
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-events:
			if !ok {
				return
			}
			if ev.Kind != executor.EventInstanceState {
				continue
			}
			now := time.Now()
			r.mu.Lock()
			r.events[ev.InstanceID] = append(r.events[ev.InstanceID], seen{at: now, state: ev.State})
			r.mu.Unlock()
		}
	}
}

// poll reads every running instance's screen every pollInterval, starting
// at a random phase, and records each change of the classified state.
func (r *stateRun) poll(ctx context.Context) {
	if sleepContext(ctx, rand.N(pollInterval)) != nil {
		return
	}
	ticker := time.NewTicker(pollInterval)
	defer ticker.Stop()
	for {
		st, err := r.pool.Status(executor.Filter{TailLines: 40})
		if err == nil {
			r.notePolled(st, time.Now())
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

func (r *stateRun) notePolled(st executor.Status, now time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, inst := range st.Instances {
		if inst.EndedAt != nil {
			continue
		}
		state := string(r.prof.Classify(inst.ScreenTail, inst.Title).State)
		past := r.polled[inst.ID]
		if len(past) == 0 || past[len(past)-1].state != state {
			r.polled[inst.ID] = append(past, seen{at: now, state: state})
		}
	}
}

// wait returns when every task has ended, and fails unless all succeeded.
func (r *stateRun) wait(ctx context.Context) error {
	return waitAllSucceeded(ctx, r.pool, r.taskIDs, 5*time.Minute)
}

// latencies matches the logged screen changes with the events and with
// the poller's observations.
func (r *stateRun) latencies() (ours, base matchResult, err error) {
	st, err := r.pool.Status(executor.Filter{})
	if err != nil {
		return ours, base, fmt.Errorf("read the instances: %w", err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, inst := range st.Instances {
		changes, err := readFlipLog(inst.Workspace)
		if err != nil {
			return ours, base, err
		}
		ours.add(matchChanges(changes, r.events[inst.ID]))
		base.add(matchChanges(changes, r.polled[inst.ID]))
	}
	if ours.changes == 0 {
		return ours, base, fmt.Errorf("the agents logged no screen change")
	}
	return ours, base, nil
}
