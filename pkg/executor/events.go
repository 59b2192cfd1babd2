package executor

import (
	"sync"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/axiom-mcp/axiom-mcp/pkg/scoring"
)

// Event kinds.
const (
	EventTaskQueued      = "task_queued"
	EventTaskRequeued    = "task_requeued"
	EventTaskFinished    = "task_finished"
	EventInstanceStarted = "instance_started"
	EventInstanceExited  = "instance_exited"
	EventInstanceKilled  = "instance_killed"
	EventWarning         = "instance_warning"
	// EventInstanceState is published when a tick finds an instance in a
	// new state, such as working to idle.
	EventInstanceState = "instance_state"
	// EventScore is published when a tick changes an instance's score or
	// verdict.
	EventScore = "instance_score"
)

// Event levels, named as MCP logging levels.
const (
	LevelDebug   = "debug"
	LevelInfo    = "info"
	LevelWarning = "warning"
	LevelError   = "error"
)

// Event is a change in the pool that clients and logs may want to see.
type Event struct {
	Time       time.Time      `json:"time"`
	Kind       string         `json:"kind"`
	Level      string         `json:"level"`
	TaskID     string         `json:"task_id,omitempty"`
	InstanceID string         `json:"instance_id,omitempty"`
	TaskState  string         `json:"task_state,omitempty"`
	Message    string         `json:"message"`
	Score      int            `json:"score,omitempty"`
	Parts      []scoring.Part `json:"parts,omitempty"`
	// Seq numbers the events of a pool from 1 in the order the event log
	// stored them.
	Seq int64 `json:"seq"`
	// State is the instance's state after the event, for instance events.
	State string `json:"state,omitempty"`
	// Verdict is the scoring verdict, for score updates and verdict
	// warnings.
	Verdict string `json:"verdict,omitempty"`
	// Reason is why: the kill reason, the reason a task ended without
	// success, or the reason behind a verdict.
	Reason string `json:"reason,omitempty"`
}

// Terminal reports whether the event ends an instance or a task. Clients
// act on these, so the notification forwarder never drops them.
func (ev Event) Terminal() bool {
	switch ev.Kind {
	case EventInstanceExited, EventInstanceKilled, EventTaskFinished:
		return true
	}
	return false
}

// bus fans events out to subscribers. A subscriber that does not keep up
// loses events rather than slowing the pool down.
type bus struct {
	mu     sync.Mutex
	subs   map[chan Event]struct{}
	closed bool
}

func newBus() *bus { return &bus{subs: make(map[chan Event]struct{})} }

func (b *bus) publish(ev Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for ch := range b.subs {
		select {
		case ch <- ev:
		default:
		}
	}
}

func (b *bus) subscribe(buffer int) (<-chan Event, func()) {
	ch := make(chan Event, buffer)
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		close(ch)
		return ch, func() {}
	}
	b.subs[ch] = struct{}{}
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			b.mu.Lock()
			defer b.mu.Unlock()
			if _, ok := b.subs[ch]; ok {
				delete(b.subs, ch)
				close(ch)
			}
		})
	}
}

func (b *bus) close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	for ch := range b.subs {
		delete(b.subs, ch)
		close(ch)
	}
}

// Subscribe returns a channel of pool events and a function that ends the
// subscription. The channel is closed when the pool shuts down. Events are
// dropped for a subscriber whose buffer is full, so a subscriber that needs
// every event reads them with Events from the Seq of the last one it saw.
func (p *Pool) Subscribe(buffer int) (<-chan Event, func()) {
	return p.bus.subscribe(buffer)
}

// publish fills in the event's time, level and state, stores it in the
// event log, which numbers it, and then sends it to the subscribers.
func (p *Pool) publish(ev Event) {
	if ev.Time.IsZero() {
		ev.Time = p.opts.Now()
	}
	if ev.Level == "" {
		ev.Level = LevelInfo
	}
	if ev.State == "" {
		ev.State = stateAfter(ev.Kind)
	}
	ev = p.eventLog.Append(ev)
	if ev.Terminal() && ev.InstanceID != "" {
		p.observed.forget(ev.InstanceID)
	}
	level := zapLevel(ev.Level)
	if p.opts.QuietEvents {
		level = zapcore.DebugLevel
	}
	if ce := p.log.Check(level, ev.Message); ce != nil {
		ce.Write(append(zapEvent(ev), zap.Int64("seq", ev.Seq))...)
	}
	p.bus.publish(ev)
}

// stateAfter returns the instance state that an event of kind implies, or
// "" when the kind implies none.
func stateAfter(kind string) string {
	switch kind {
	case EventInstanceStarted:
		return StateStarting.String()
	case EventInstanceExited:
		return StateExited.String()
	case EventInstanceKilled:
		return StateKilled.String()
	}
	return ""
}

// zapLevel maps an event level to the server log's level. Warnings and
// failed tasks are facts about agents, not faults of the server, so they
// are logged at most at warn.
func zapLevel(level string) zapcore.Level {
	switch level {
	case LevelDebug:
		return zapcore.DebugLevel
	case LevelWarning, LevelError:
		return zapcore.WarnLevel
	}
	return zapcore.InfoLevel
}
