package executor

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"go.uber.org/zap"

	"github.com/axiom-mcp/axiom-mcp/pkg/store"
)

// StoreLog is an EventLog that writes every event to a store before it
// returns it, so the events a client has seen survive a crash of the
// server. The store numbers the events, so Seq goes on across runs, and
// servers that share a store share one sequence. After returns the events
// of every server on the store.
type StoreLog struct {
	st    *store.Store
	runID int64
	log   *zap.Logger

	mu     sync.Mutex
	oldest int64
	latest int64
	// failures counts the events that could not be stored. The first and
	// every hundredth failure are logged.
	failures int
}

// NewStoreLog returns an event log over st for the run runID.
func NewStoreLog(ctx context.Context, st *store.Store, runID int64, log *zap.Logger) (*StoreLog, error) {
	if log == nil {
		log = zap.NewNop()
	}
	oldest, latest, err := st.EventBounds(ctx)
	if err != nil {
		return nil, fmt.Errorf("open the event log: %w", err)
	}
	return &StoreLog{st: st, runID: runID, log: log, oldest: oldest, latest: latest}, nil
}

// Append stores ev and returns it with the Seq the store gave it. When
// the write fails, the failure is logged, and the event gets the Seq after
// the latest one this log saw but is missing from later reads.
func (l *StoreLog) Append(ev Event) Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	data, err := json.Marshal(ev)
	var seq int64
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), journalTimeout)
		seq, err = l.st.AppendEvent(ctx, store.Event{RunID: l.runID, Time: ev.Time, Kind: ev.Kind,
			Level: ev.Level, TaskID: ev.TaskID, InstanceID: ev.InstanceID, Data: data})
		cancel()
	}
	if err != nil {
		seq = l.latest + 1
		l.failures++
		if l.failures%100 == 1 {
			l.log.Error("store event failed", zap.Int64("seq", seq), zap.String("event", ev.Kind),
				zap.Int("failures", l.failures), zap.Error(err))
		}
	}
	ev.Seq = seq
	l.latest = max(l.latest, seq)
	if l.oldest == 0 {
		l.oldest = seq
	}
	return ev
}

// After returns up to limit stored events with Seq above cursor, oldest
// first. A failed read is logged and returns no events.
func (l *StoreLog) After(cursor int64, limit int) ([]Event, int64) {
	if limit < 1 {
		return nil, cursor
	}
	ctx, cancel := context.WithTimeout(context.Background(), journalTimeout)
	defer cancel()
	stored, err := l.st.EventsAfter(ctx, cursor, limit)
	if err != nil {
		l.log.Error("read events failed", zap.Int64("after", cursor), zap.Error(err))
		return nil, cursor
	}
	events, err := DecodeEvents(stored)
	if err != nil {
		l.log.Error("decode stored events failed", zap.Int64("after", cursor), zap.Error(err))
	}
	if len(events) == 0 {
		return nil, cursor
	}
	return events, events[len(events)-1].Seq
}

// Bounds returns the Seq of the oldest stored and the latest event.
func (l *StoreLog) Bounds() (oldest, latest int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.oldest, l.latest
}

// DecodeEvents returns the pool events of events read from a store. An
// event that does not decode is skipped, and the first error is returned
// with the rest.
func DecodeEvents(stored []store.Event) ([]Event, error) {
	events := make([]Event, 0, len(stored))
	var first error
	for _, s := range stored {
		var ev Event
		if err := json.Unmarshal(s.Data, &ev); err != nil {
			if first == nil {
				first = fmt.Errorf("event %d: %w", s.Seq, err)
			}
			continue
		}
		ev.Seq = s.Seq
		events = append(events, ev)
	}
	return events, first
}
