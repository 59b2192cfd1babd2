package executor

import (
	"sync"
	"time"

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
)

// Event levels, named as MCP logging levels.
const (
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
// dropped for a subscriber whose buffer is full.
func (p *Pool) Subscribe(buffer int) (<-chan Event, func()) {
	return p.bus.subscribe(buffer)
}

func (p *Pool) publish(ev Event) {
	if ev.Time.IsZero() {
		ev.Time = p.opts.Now()
	}
	if ev.Level == "" {
		ev.Level = LevelInfo
	}
	p.log.Info(ev.Message, zapEvent(ev)...)
	p.bus.publish(ev)
}
