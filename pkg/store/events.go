package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// Event is one stored pool event.
type Event struct {
	// Seq numbers events in the order they were stored, across runs.
	Seq        int64
	RunID      int64
	Time       time.Time
	Kind       string
	Level      string
	TaskID     string
	InstanceID string
	// Data is the whole event as JSON.
	Data json.RawMessage
}

// AppendEvent stores ev and returns its Seq: one more than the latest
// stored Seq, whichever process stored that. ev.Seq is ignored.
func (s *Store) AppendEvent(ctx context.Context, ev Event) (int64, error) {
	res, err := s.db.ExecContext(ctx, `INSERT INTO events (run_id, time, kind, level, task_id, instance_id, data)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
		ev.RunID, ev.Time.UnixNano(), ev.Kind, ev.Level, ev.TaskID, ev.InstanceID, string(ev.Data))
	if err != nil {
		return 0, s.wrap("store a "+ev.Kind+" event", err)
	}
	seq, err := res.LastInsertId()
	return seq, s.wrap("read the seq of a stored event", err)
}

// EventsAfter returns up to limit events with Seq greater than cursor,
// oldest first.
func (s *Store) EventsAfter(ctx context.Context, cursor int64, limit int) ([]Event, error) {
	events, err := s.queryEvents(ctx, `WHERE seq > ? ORDER BY seq LIMIT ?`, cursor, limit)
	return events, s.wrap(fmt.Sprintf("read events after %d", cursor), err)
}

// InstanceEvents returns up to limit events of one instance with Seq
// greater than cursor, oldest first.
func (s *Store) InstanceEvents(ctx context.Context, instanceID string, cursor int64, limit int) ([]Event, error) {
	events, err := s.queryEvents(ctx, `WHERE instance_id = ? AND seq > ? ORDER BY seq LIMIT ?`,
		instanceID, cursor, limit)
	return events, s.wrap("read the events of instance "+instanceID, err)
}

// EventBounds returns the Seq of the oldest and the latest stored event,
// both 0 when none is stored.
func (s *Store) EventBounds(ctx context.Context) (oldest, latest int64, err error) {
	var lo, hi *int64
	if err := s.db.QueryRowContext(ctx, `SELECT min(seq), max(seq) FROM events`).Scan(&lo, &hi); err != nil {
		return 0, 0, s.wrap("read the event bounds", err)
	}
	if lo == nil || hi == nil {
		return 0, 0, nil
	}
	return *lo, *hi, nil
}

func (s *Store) queryEvents(ctx context.Context, where string, args ...any) ([]Event, error) {
	rows, err := s.db.QueryContext(ctx,
		`SELECT seq, run_id, time, kind, level, task_id, instance_id, data FROM events `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var events []Event
	for rows.Next() {
		var ev Event
		var at int64
		var data string
		if err := rows.Scan(&ev.Seq, &ev.RunID, &at, &ev.Kind, &ev.Level, &ev.TaskID, &ev.InstanceID, &data); err != nil {
			return nil, err
		}
		ev.Time, ev.Data = time.Unix(0, at), json.RawMessage(data)
		events = append(events, ev)
	}
	return events, rows.Err()
}
