// Package queue orders the tasks of a dependency graph for dispatch. It
// validates batches of tasks, counts the unmet dependencies of each task,
// hands out the best ready task whose owned paths no running task holds,
// and records outcomes: retries with backoff, blocked dependents and
// cancellation.
//
// The queue does no I/O and starts no processes. Callers pass the current
// time in, and a Queue is not safe for concurrent use, so the caller holds
// its own lock around every call.
package queue

import (
	"fmt"
	"time"
)

// Spec is the part of a task that the queue schedules by.
type Spec struct {
	// ID identifies the task. It is required and unique in the queue.
	ID string
	// Name is an optional label, unique in the queue, that DependsOn may
	// use in place of the ID.
	Name string
	// Priority orders ready tasks: higher runs first. Tasks of equal
	// priority run in submission order.
	Priority int
	// DependsOn lists the ids or names of tasks that must succeed before
	// this one is ready. They are tasks added earlier or in the same batch.
	DependsOn []string
	// Owns lists the paths the task owns. A relative path names the same
	// place in every task's workspace, an absolute path one place for all.
	// A directory owns everything below it. Two tasks whose owned paths
	// overlap never run at the same time.
	Owns []string
	// MaxAttempts is how many attempts the task may start before a failed
	// attempt fails it for good. Zero means Options.MaxAttempts.
	MaxAttempts int
	// Attempts counts the attempts that already ran, for a task restored
	// after a restart of the server. The next attempt is Attempts+1.
	Attempts int
}

// Options configure a Queue. The zero value of each field means its
// default.
type Options struct {
	// MaxAttempts is the attempt limit of tasks that set none. Zero means 3.
	MaxAttempts int
	// Backoff is the wait between a failed attempt and the next one.
	Backoff Backoff
}

// Dispatch is a task that Next handed out.
type Dispatch struct {
	ID string
	// Attempt counts the attempts started, this one included.
	Attempt int
}

// Change records a task that moved to a final state as a side effect of a
// call, such as a dependent blocked by a failure or cancelled with its
// dependency.
type Change struct {
	ID       string
	From, To State
	// Reason is the cause of the move, naming the dependency responsible.
	Reason string
}

// Info is a snapshot of one task.
type Info struct {
	ID    string
	State State
	// Attempts counts the attempts started and not given back by Defer.
	Attempts    int
	MaxAttempts int
	// NotBefore is when a delayed task becomes ready again.
	NotBefore time.Time
	// DependsOn lists the resolved ids of the task's dependencies.
	DependsOn []string
	// UnmetDependencies counts the dependencies that have not succeeded.
	UnmetDependencies int
}

// Queue is a task graph with its ready order. Use New to make one.
type Queue struct {
	opts    Options
	entries map[string]*entry
	names   map[string]*entry
	seq     uint64
	// classes groups ready tasks by their owned paths; see class.
	classes map[string]*class
	ready   classHeap
	delayed delayHeap
	held    pathNode
	running int
}

// New returns an empty queue.
func New(opts Options) (*Queue, error) {
	if opts.MaxAttempts == 0 {
		opts.MaxAttempts = 3
	}
	if opts.MaxAttempts < 1 {
		return nil, fmt.Errorf("max attempts %d is out of range: use 1 or more, or 0 for the default of 3",
			opts.MaxAttempts)
	}
	if err := opts.Backoff.Validate(); err != nil {
		return nil, err
	}
	opts.Backoff = opts.Backoff.withDefaults()
	return &Queue{
		opts:    opts,
		entries: make(map[string]*entry),
		names:   make(map[string]*entry),
		classes: make(map[string]*class),
	}, nil
}

// Len returns the number of tasks in the queue, final ones included.
func (q *Queue) Len() int { return len(q.entries) }

// Running returns the number of tasks handed out by Next that have not
// finished yet. A task cancelled while running counts until Finish.
func (q *Queue) Running() int { return q.running }

// Lookup returns the id of the task with the given id or name.
func (q *Queue) Lookup(ref string) (string, bool) {
	if e, ok := q.entries[ref]; ok {
		return e.id, true
	}
	if e, ok := q.names[ref]; ok {
		return e.id, true
	}
	return "", false
}

// Task returns a snapshot of the task with the given id.
func (q *Queue) Task(id string) (Info, bool) {
	e, ok := q.entries[id]
	if !ok {
		return Info{}, false
	}
	deps := make([]string, len(e.deps))
	for i, d := range e.deps {
		deps[i] = d.id
	}
	return Info{
		ID: e.id, State: e.state, Attempts: e.attempts, MaxAttempts: e.maxAttempts,
		NotBefore: e.notBefore, DependsOn: deps, UnmetDependencies: e.unmet,
	}, true
}

// entry is the queue's record of one task.
type entry struct {
	id, name    string
	priority    int
	seq         uint64
	maxAttempts int
	attempts    int
	state       State
	notBefore   time.Time
	deps        []*entry
	dependents  []*entry
	unmet       int
	// owns holds the owned paths split into components; classKey joins
	// them.
	owns     [][]string
	classKey string
	// active is true while an instance of the task runs, so its owned
	// paths are held. It stays true for a task cancelled while running
	// until Finish.
	active bool
	// parked lists the classes waiting for this running task to release
	// its owned paths.
	parked []*class
	// memberIndex and delayIndex are positions in a class heap and in the
	// delayed heap, or -1.
	memberIndex int
	delayIndex  int
}

// label names the task in messages: its name, else its id.
func (e *entry) label() string {
	if e.name != "" {
		return e.name
	}
	return e.id
}
