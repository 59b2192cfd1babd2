package queue

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// t0 is the clock of the tests; they pass times relative to it.
var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// noJitter makes backoff delays exact.
func noJitter() float64 { return 0 }

func newQueue(t *testing.T, opts Options) *Queue {
	t.Helper()
	if opts.Backoff.Jitter == nil {
		opts.Backoff.Jitter = noJitter
	}
	q, err := New(opts)
	require.NoError(t, err)
	return q
}

func add(t *testing.T, q *Queue, specs ...Spec) []Change {
	t.Helper()
	changes, err := q.Add(specs)
	require.NoError(t, err)
	return changes
}

// next hands out one task at now and returns its id, or "" when none may
// start.
func next(q *Queue, now time.Time) string {
	d, ok := q.Next(now)
	if !ok {
		return ""
	}
	return d.ID
}

// drain hands out tasks at now until none may start and returns their ids
// in order.
func drain(q *Queue, now time.Time) []string {
	var ids []string
	for {
		d, ok := q.Next(now)
		if !ok {
			return ids
		}
		ids = append(ids, d.ID)
	}
}

func finish(t *testing.T, q *Queue, id string, outcome Outcome) Result {
	t.Helper()
	res, err := q.Finish(id, outcome, t0)
	require.NoError(t, err)
	return res
}

func state(t *testing.T, q *Queue, id string) State {
	t.Helper()
	info, ok := q.Task(id)
	require.True(t, ok, "task %s is in the queue", id)
	return info.State
}

func changeIDs(changes []Change) []string {
	ids := make([]string, len(changes))
	for i, c := range changes {
		ids[i] = c.ID
	}
	return ids
}
