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
// server. Seq continues across runs from the latest stored event.
type StoreLog struct {
	st    *store.Store
	runID int64
	log   *zap.Logger

	mu     sync.Mutex
	oldest int64
	latest int64
	// failures counts the events that could not be stored; the first and
	// every hundredth failure are logged.
	failures int
}

// NewStoreLog returns an event log over st for the run runID. It reads
// the stored bounds, so the first event appended gets the Seq after the
// latest stored one.
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

// Append numbers ev, stores it and returns it. A failed write is logged,
// and the event keeps its Seq but is missing from later reads.
func (l *StoreLog) Append(ev Event) Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.latest++
	ev.Seq = l.latest
	if l.oldest == 0 {
		l.oldest = ev.Seq
	}
	data, err := json.Marshal(ev)
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), journalTimeout)
		err = l.st.AppendEvent(ctx, store.Event{Seq: ev.Seq, RunID: l.runID, Time: ev.Time, Kind: ev.Kind,
			Level: ev.Level, TaskID: ev.TaskID, InstanceID: ev.InstanceID, Data: data})
		cancel()
	}
	if err != nil {
		l.failures++
		if l.failures%100 == 1 {
			l.log.Error("store event failed", zap.Int64("seq", ev.Seq), zap.String("event", ev.Kind),
				zap.Int("failures", l.failures), zap.Error(err))
		}
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
