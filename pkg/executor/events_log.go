package executor

import "sync"

// DefaultEventLogSize is how many events the in-memory event log keeps
// when Options.EventLogSize is zero.
const DefaultEventLogSize = 100_000

// EventLog stores pool events in order and numbers them. The pool calls
// Append from many goroutines and readers call After and Bounds at the same
// time, so an implementation must be safe for concurrent use. The pool
// cannot act on a storage failure, so an implementation that writes to disk
// handles and logs its own errors.
type EventLog interface {
	// Append sets ev.Seq to the next sequence number, starting at 1,
	// stores the event and returns it.
	Append(ev Event) Event
	// After returns up to limit stored events whose Seq is greater than
	// cursor, oldest first, and the Seq of the last one returned, or cursor
	// when none is returned. A cursor older than the oldest stored event
	// starts at the oldest stored event.
	After(cursor int64, limit int) (events []Event, next int64)
	// Bounds returns the Seq of the oldest stored event and of the latest
	// event appended. Both are 0 before the first Append.
	Bounds() (oldest, latest int64)
}

// MemoryLog is an EventLog that keeps the most recent events in a ring
// buffer in memory. When the buffer is full, each new event evicts the
// oldest.
type MemoryLog struct {
	mu       sync.Mutex
	capacity int
	events   []Event // ring buffer, grown up to capacity
	start    int     // index of the oldest event once the buffer is full
	latest   int64
}

// NewMemoryLog returns an empty log that keeps the last capacity events.
// A capacity below 1 means DefaultEventLogSize.
func NewMemoryLog(capacity int) *MemoryLog {
	if capacity < 1 {
		capacity = DefaultEventLogSize
	}
	return &MemoryLog{capacity: capacity}
}

// Append numbers ev, stores it, evicting the oldest event when the log is
// full, and returns it.
func (l *MemoryLog) Append(ev Event) Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.latest++
	ev.Seq = l.latest
	if len(l.events) < l.capacity {
		l.events = append(l.events, ev)
		return ev
	}
	l.events[l.start] = ev
	l.start = (l.start + 1) % l.capacity
	return ev
}

// After returns up to limit events with Seq above cursor, oldest first.
func (l *MemoryLog) After(cursor int64, limit int) ([]Event, int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if limit < 1 || len(l.events) == 0 || cursor >= l.latest {
		return nil, cursor
	}
	oldest := l.oldestLocked()
	first := max(cursor+1, oldest)
	count := min(int64(limit), l.latest-first+1)
	out := make([]Event, 0, count)
	for seq := first; seq < first+count; seq++ {
		offset := int(seq - oldest)
		out = append(out, l.events[(l.start+offset)%len(l.events)])
	}
	return out, out[len(out)-1].Seq
}

// Bounds returns the Seq of the oldest stored and the latest event.
func (l *MemoryLog) Bounds() (oldest, latest int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.events) == 0 {
		return 0, 0
	}
	return l.oldestLocked(), l.latest
}

func (l *MemoryLog) oldestLocked() int64 {
	return l.latest - int64(len(l.events)) + 1
}

// Events returns up to limit events from the pool's event log with Seq
// greater than cursor, oldest first, and the cursor for the next call.
// Cursor 0 starts at the oldest event still stored. EventBounds reports
// whether events between a cursor and the oldest were evicted.
func (p *Pool) Events(cursor int64, limit int) (events []Event, next int64) {
	return p.eventLog.After(cursor, limit)
}

// EventBounds returns the Seq of the oldest event still in the pool's
// event log and of the latest event published, both 0 before any event.
func (p *Pool) EventBounds() (oldest, latest int64) {
	return p.eventLog.Bounds()
}
