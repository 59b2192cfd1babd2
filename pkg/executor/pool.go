// Package executor runs coding-agent instances in pseudo-terminals, one per
// task attempt, at most a fixed number at once. It measures each instance,
// judges it with package scoring, kills the idle and the unproductive, and
// gives their tasks to fresh instances.
package executor

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/axiom-mcp/axiom-mcp/pkg/proctree"
	"github.com/axiom-mcp/axiom-mcp/pkg/queue"
	"github.com/axiom-mcp/axiom-mcp/pkg/scoring"
	"github.com/axiom-mcp/axiom-mcp/pkg/store"
)

// Errors returned by Pool methods.
var (
	// ErrClosed is returned after the pool has shut down.
	ErrClosed = errors.New("pool is shut down")
	// ErrInstanceNotFound is returned for an unknown instance id.
	ErrInstanceNotFound = errors.New("instance not found")
	// ErrInstanceEnded is returned when an instance has already ended.
	ErrInstanceEnded = errors.New("instance has already ended")
)

// Pool runs tasks on at most MaxInstances agent instances at once.
type Pool struct {
	opts     Options
	log      *zap.Logger
	bus      *bus
	eventLog EventLog
	observed *observations
	journal  *journal

	mu        sync.Mutex
	closed    bool
	seq       int
	queue     *queue.Queue
	tasks     map[string]*task
	order     []*task // submission order
	names     map[string]string
	instances map[string]*Instance
	running   map[string]*Instance
	killing   map[string]bool
	noRequeue map[string]bool
	// startsPausedUntil holds new starts after a rate or usage limit or
	// rejected credentials, for the reason in startsPausedReason.
	startsPausedUntil  time.Time
	startsPausedReason string
	// machineHold is the cause of a wait of new starts for the machine's
	// memory or load, the zero hold while they do not wait. holdCheckAt is
	// the time of the next reading.
	machineHold hold
	holdCheckAt time.Time
	// recentStarts are the times of the starts that the memory check still
	// counts as growing.
	recentStarts []time.Time
	authFailures int
	wg           sync.WaitGroup
	shutdownOnce sync.Once
}

// New returns a pool. Call Run to start judging instances.
func New(opts Options) (*Pool, error) {
	if err := opts.Check(); err != nil {
		return nil, err
	}
	opts = opts.withDefaults()
	q, err := queue.New(queue.Options{MaxAttempts: opts.MaxAttempts, Backoff: opts.RetryBackoff})
	if err != nil {
		return nil, fmt.Errorf("retry backoff: %w", err)
	}
	if err := os.MkdirAll(opts.WorkspaceRoot, 0o755); err != nil {
		return nil, fmt.Errorf("create workspace root %s: %w", opts.WorkspaceRoot, err)
	}
	return &Pool{
		opts:      opts,
		log:       opts.Logger,
		bus:       newBus(),
		queue:     q,
		eventLog:  opts.EventLog,
		observed:  newObservations(),
		journal:   &journal{st: opts.Store, runID: opts.RunID, log: opts.Logger},
		tasks:     make(map[string]*task),
		names:     make(map[string]string),
		instances: make(map[string]*Instance),
		running:   make(map[string]*Instance),
		killing:   make(map[string]bool),
		noRequeue: make(map[string]bool),
	}, nil
}

// Options returns the pool's options with defaults filled in.
func (p *Pool) Options() Options { return p.opts }

// Run measures and judges the running instances every tick until ctx is
// done, then shuts the pool down: every instance is killed and waited for.
func (p *Pool) Run(ctx context.Context) error {
	ticker := time.NewTicker(p.opts.TickInterval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			p.Shutdown(time.Now().Add(DefaultShutdownTimeout))
			return nil
		case <-ticker.C:
			p.tick()
		}
	}
}

// tick judges every running instance and kills those with a kill verdict.
func (p *Pool) tick() {
	table, err := proctree.Scan()
	if err != nil {
		p.log.Warn("scan processes failed", zap.Error(err))
	}
	now := p.opts.Now()
	p.mu.Lock()
	// A task whose instance could not start is queued again; this pass
	// gives it its next attempt.
	p.scheduleLocked()
	running := make([]*Instance, 0, len(p.running))
	for _, inst := range p.running {
		running = append(running, inst)
	}
	p.mu.Unlock()

	var results []scoring.Result
	var scores []store.Score
	defer func() {
		p.pauseStartsForRunning(results, now)
		p.journal.addScores(scores)
	}()
	for _, inst := range running {
		res, live := inst.tick(now, table)
		if live {
			results = append(results, res)
			if p.publishObservation(inst, &res) {
				scores = append(scores, store.Score{InstanceID: inst.id, Time: now, Score: res.Score,
					Verdict: res.Verdict.String()})
			}
		}
		p.publishNotes(inst)
		if live && inst.verdictChanged(res) && (res.Verdict == scoring.Warn || res.Verdict == scoring.NeedsInput ||
			res.Verdict == scoring.PausedUpstream) {
			p.publish(Event{Kind: EventWarning, Level: LevelWarning, TaskID: inst.taskID, InstanceID: inst.id,
				Message: fmt.Sprintf("%s: %s", res.Verdict, res.Reason), Score: res.Score, Parts: res.Parts,
				Verdict: res.Verdict.String(), Reason: res.Reason})
		}
		if live && res.Verdict == scoring.Done && inst.lingering(now) {
			p.killAsync(inst, "the agent reported its result but did not exit")
			continue
		}
		if !live || !res.Verdict.Kill() {
			continue
		}
		reason := killReason(res)
		p.publish(Event{Kind: EventWarning, Level: LevelWarning, TaskID: inst.taskID,
			InstanceID: inst.id, Message: "killing instance: " + reason, Score: res.Score, Parts: res.Parts,
			Verdict: res.Verdict.String(), Reason: reason})
		inst.noteKillVerdict(res)
		p.killAsync(inst, reason)
	}
}

// killReason returns the reason of a kill verdict, with the intervention
// grace when it held the kill back.
func killReason(res scoring.Result) string {
	reason := fmt.Sprintf("%s: %s", res.Verdict, res.Reason)
	if res.Grace != "" {
		reason += "; " + res.Grace
	}
	return reason
}

// runningPauseHold is how long a running instance's upstream pause without
// a reset time holds new starts; it is renewed every tick while it lasts.
const runningPauseHold = 5 * time.Second

// pauseStartsForRunning holds new starts while running instances wait for
// the model API, so the pool does not start more agents into a limit.
func (p *Pool) pauseStartsForRunning(results []scoring.Result, now time.Time) {
	until, reason := startPauseFor(results, now, runningPauseHold)
	if until.IsZero() {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.pauseStartsLocked(until, reason)
}

func (p *Pool) killAsync(inst *Instance, reason string) {
	p.mu.Lock()
	if p.killing[inst.id] || p.closed {
		p.mu.Unlock()
		return
	}
	p.killing[inst.id] = true
	p.wg.Add(1)
	p.mu.Unlock()
	go func() {
		defer p.wg.Done()
		inst.Kill(reason, p.opts.KillGrace)
	}()
}

// Submit validates specs and queues them as new tasks, then starts as many
// as there are free slots. Either every spec is queued or none is.
func (p *Pool) Submit(specs []TaskSpec) ([]TaskInfo, error) {
	if len(specs) == 0 {
		return nil, fmt.Errorf("no tasks given: send at least one task with a prompt")
	}
	for i, spec := range specs {
		if err := spec.validate(i); err != nil {
			return nil, err
		}
	}

	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil, ErrClosed
	}
	tasks, err := p.prepareLocked(specs)
	if err != nil {
		return nil, err
	}
	for i, t := range tasks {
		if err := p.createWorkspace(t); err != nil {
			for _, created := range tasks[:i] {
				p.discardWorkspace(created)
			}
			return nil, err
		}
	}
	p.resolveDepsLocked(tasks)
	// The spawn is acknowledged only once its tasks are stored, so a crash
	// after this point cannot lose them.
	if err := p.journal.addTasks(tasks, p.opts.Now()); err != nil {
		for _, t := range tasks {
			p.discardWorkspace(t)
		}
		return nil, fmt.Errorf("store the tasks: %w", err)
	}
	// The queue checked this batch in prepareLocked under the same lock,
	// so Add fails only on a fault of the pool itself.
	blocked, err := p.queue.Add(queueSpecs(tasks))
	if err != nil {
		for _, t := range tasks {
			_ = os.Remove(t.workspace)
		}
		return nil, err
	}
	for _, t := range tasks {
		if info, ok := p.queue.Task(t.id); ok {
			t.deps = info.DependsOn
		}
		p.tasks[t.id] = t
		p.order = append(p.order, t)
		if t.spec.Name != "" {
			p.names[t.spec.Name] = t.id
		}
		p.publish(Event{Kind: EventTaskQueued, TaskID: t.id, Message: "task queued"})
	}
	p.applyChangesLocked(blocked)
	p.scheduleLocked()

	infos := make([]TaskInfo, len(tasks))
	for i, t := range tasks {
		infos[i] = t.info()
	}
	return infos, nil
}

// prepareLocked assigns ids and checks workspaces for clashes, then has
// the queue check names, dependencies and owned paths.
func (p *Pool) prepareLocked(specs []TaskSpec) ([]*task, error) {
	workspaces := make(map[string]int)
	tasks := make([]*task, len(specs))
	now := p.opts.Now()
	for i, spec := range specs {
		t := &task{id: newID("t"), spec: spec, createdAt: now, state: TaskQueued, maxAttempts: spec.MaxAttempts}
		if t.maxAttempts == 0 {
			t.maxAttempts = p.opts.MaxAttempts
		}
		t.workspace = p.workspacePath(t)
		if err := p.checkNewWorkdir(t); err != nil {
			return nil, fmt.Errorf("%s: %w", taskLabel(i, spec), err)
		}
		p.planWorktree(t)
		launch, err := p.resolveLaunch(spec, taskLabel(i, spec))
		if err != nil {
			return nil, err
		}
		t.launch = launch
		if first, dup := workspaces[t.workspace]; dup {
			return nil, fmt.Errorf("%s: workdir %q is also the workspace of task %d in this request: "+
				"give each task its own workdir", taskLabel(i, spec), spec.Workdir, first+1)
		}
		workspaces[t.workspace] = i
		tasks[i] = t
	}
	if err := p.queue.Check(queueSpecs(tasks)); err != nil {
		return nil, err
	}
	return tasks, nil
}

func (p *Pool) workspacePath(t *task) string {
	switch {
	case t.spec.Workdir == "":
		return filepath.Join(p.opts.WorkspaceRoot, t.id)
	case filepath.IsAbs(t.spec.Workdir):
		return filepath.Clean(t.spec.Workdir)
	default:
		return filepath.Join(p.opts.WorkspaceRoot, filepath.Clean(t.spec.Workdir))
	}
}

// createWorkspace makes the task's workspace: a git worktree when
// planWorktree chose one, else a directory that must not exist yet, so no
// two tasks ever share one and no earlier work is mixed in.
func (p *Pool) createWorkspace(t *task) error {
	if t.git != nil {
		return p.createWorktree(t)
	}
	if err := os.MkdirAll(filepath.Dir(t.workspace), 0o755); err != nil {
		return fmt.Errorf("create parent of workspace %s: %w", t.workspace, err)
	}
	if err := os.Mkdir(t.workspace, 0o755); err != nil {
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("workspace %s already exists: choose another workdir, or leave it empty "+
				"for a fresh directory", t.workspace)
		}
		return fmt.Errorf("create workspace %s: %w", t.workspace, err)
	}
	return nil
}

func newID(prefix string) string {
	var b [5]byte
	_, _ = rand.Read(b[:])
	return prefix + "-" + hex.EncodeToString(b[:])
}

// agentEnv returns the environment of one instance.
func (p *Pool) agentEnv(t *task, instanceID string) []string {
	env := make([]string, 0, len(p.opts.Env)+8)
	env = append(env, p.opts.Env...)
	env = append(env, launchEnv(t.launch)...)
	return append(env,
		"TERM=xterm-256color",
		"AXIOM_TASK_ID="+t.id,
		"AXIOM_INSTANCE_ID="+instanceID,
		"AXIOM_WORKSPACE="+t.workspace,
	)
}
