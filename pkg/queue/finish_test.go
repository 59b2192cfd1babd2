package queue

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFailureBlocksChain(t *testing.T) {
	q := newQueue(t, Options{MaxAttempts: 1})
	add(t, q,
		Spec{ID: "t-1", Name: "build"},
		Spec{ID: "t-2", Name: "test", DependsOn: []string{"build"}},
		Spec{ID: "t-3", Name: "deploy", DependsOn: []string{"test"}},
		Spec{ID: "t-4", Name: "docs"},
	)
	require.Equal(t, []string{"t-1", "t-4"}, drain(q, t0))
	res := finish(t, q, "t-1", Failure)
	assert.Equal(t, Failed, res.State)
	require.Len(t, res.Blocked, 2)
	assert.Equal(t, Change{ID: "t-2", From: Pending, To: Blocked, Reason: "dependency build failed"}, res.Blocked[0])
	assert.Equal(t, Change{ID: "t-3", From: Pending, To: Blocked,
		Reason: "dependency build failed (through test)"}, res.Blocked[1])
	assert.Equal(t, Blocked, state(t, q, "t-3"))
	assert.Equal(t, Running, state(t, q, "t-4"), "an unrelated task is untouched")
}

func TestFailureBlocksDiamondOnce(t *testing.T) {
	q := newQueue(t, Options{MaxAttempts: 1})
	add(t, q,
		Spec{ID: "a"},
		Spec{ID: "b", DependsOn: []string{"a"}},
		Spec{ID: "c", DependsOn: []string{"a"}},
		Spec{ID: "d", DependsOn: []string{"b", "c"}},
	)
	drain(q, t0)
	res := finish(t, q, "a", FatalFailure)
	assert.Equal(t, []string{"b", "c", "d"}, changeIDs(res.Blocked))
	for _, id := range []string{"b", "c", "d"} {
		assert.Equal(t, Blocked, state(t, q, id), "task %s", id)
	}
}

func TestStoppedTaskBlocksDependents(t *testing.T) {
	q := newQueue(t, Options{})
	add(t, q, Spec{ID: "a"}, Spec{ID: "b", DependsOn: []string{"a"}})
	drain(q, t0)
	res := finish(t, q, "a", Stopped)
	assert.Equal(t, Cancelled, res.State)
	require.Len(t, res.Blocked, 1)
	assert.Equal(t, "dependency a was cancelled", res.Blocked[0].Reason)
}

func TestAddBlocksOnDeadDependency(t *testing.T) {
	q := newQueue(t, Options{MaxAttempts: 1})
	add(t, q, Spec{ID: "a"})
	drain(q, t0)
	finish(t, q, "a", Failure)
	changes := add(t, q, Spec{ID: "b", DependsOn: []string{"a"}}, Spec{ID: "c", DependsOn: []string{"b"}})
	assert.Equal(t, []string{"b", "c"}, changeIDs(changes))
	assert.Equal(t, "dependency a failed (through b)", changes[1].Reason)
	assert.Empty(t, drain(q, t0))
}

func TestFailureRetriesUntilAttemptLimit(t *testing.T) {
	q := newQueue(t, Options{Backoff: Backoff{Base: time.Second, Max: time.Minute}})
	add(t, q, Spec{ID: "a", MaxAttempts: 2})
	require.Equal(t, "a", next(q, t0))

	res := finish(t, q, "a", Failure)
	assert.Equal(t, Delayed, res.State)
	assert.Equal(t, t0.Add(time.Second), res.NotBefore)
	assert.Empty(t, next(q, t0.Add(999*time.Millisecond)), "waits for its backoff")

	d, ok := q.Next(t0.Add(time.Second))
	require.True(t, ok)
	assert.Equal(t, 2, d.Attempt)
	res = finish(t, q, "a", Failure)
	assert.Equal(t, Failed, res.State, "the second failure spends the last attempt")
	assert.Equal(t, 2, res.Attempts)
}

func TestRetryKeepsPlaceInOrder(t *testing.T) {
	q := newQueue(t, Options{Backoff: Backoff{Base: time.Second}})
	add(t, q, Spec{ID: "old"})
	require.Equal(t, "old", next(q, t0))
	finish(t, q, "old", Failure)
	add(t, q, Spec{ID: "new"})
	assert.Equal(t, []string{"old", "new"}, drain(q, t0.Add(time.Second)),
		"the retried task was submitted first")
}

func TestDeferSpendsNoAttempt(t *testing.T) {
	q := newQueue(t, Options{})
	add(t, q, Spec{ID: "a", MaxAttempts: 1})
	require.Equal(t, "a", next(q, t0))
	require.NoError(t, q.Defer("a", t0.Add(time.Minute)))
	assert.Equal(t, Delayed, state(t, q, "a"))
	assert.Empty(t, next(q, t0))
	d, ok := q.Next(t0.Add(time.Minute))
	require.True(t, ok)
	assert.Equal(t, 1, d.Attempt, "the deferred attempt was given back")
}

func TestFinishRejectsTaskNotRunning(t *testing.T) {
	q := newQueue(t, Options{})
	add(t, q, Spec{ID: "a"})
	_, err := q.Finish("a", Success, t0)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `task "a" is ready, not running`)
	_, err = q.Finish("ghost", Success, t0)
	assert.ErrorContains(t, err, `task "ghost" not found`)
}

func TestCancelSpreadsToDependents(t *testing.T) {
	q := newQueue(t, Options{})
	add(t, q,
		Spec{ID: "t-1", Name: "build"},
		Spec{ID: "t-2", Name: "test", DependsOn: []string{"build"}},
		Spec{ID: "t-3", Name: "deploy", DependsOn: []string{"test"}},
		Spec{ID: "t-4", Name: "docs"},
	)
	changes, err := q.Cancel([]string{"build"}, "not needed")
	require.NoError(t, err)
	assert.Equal(t, []Change{
		{ID: "t-1", From: Ready, To: Cancelled, Reason: "not needed"},
		{ID: "t-2", From: Pending, To: Cancelled, Reason: "depends on build"},
		{ID: "t-3", From: Pending, To: Cancelled, Reason: "depends on build through test"},
	}, changes)
	assert.Equal(t, []string{"t-4"}, drain(q, t0), "only the unrelated task is left")
}

func TestCancelSkipsFinalTasks(t *testing.T) {
	q := newQueue(t, Options{})
	add(t, q, Spec{ID: "a"})
	drain(q, t0)
	finish(t, q, "a", Success)
	changes, err := q.Cancel([]string{"a"}, "late")
	require.NoError(t, err)
	assert.Empty(t, changes)
	assert.Equal(t, Succeeded, state(t, q, "a"))
}

func TestCancelUnknownChangesNothing(t *testing.T) {
	q := newQueue(t, Options{})
	add(t, q, Spec{ID: "a"})
	_, err := q.Cancel([]string{"a", "ghost"}, "x")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `task "ghost" not found`)
	assert.Equal(t, Ready, state(t, q, "a"))
}

func TestCancelDelayedTask(t *testing.T) {
	q := newQueue(t, Options{})
	add(t, q, Spec{ID: "a"})
	drain(q, t0)
	finish(t, q, "a", Failure)
	changes, err := q.Cancel([]string{"a"}, "x")
	require.NoError(t, err)
	require.Len(t, changes, 1)
	assert.Equal(t, Delayed, changes[0].From)
	assert.Empty(t, drain(q, t0.Add(time.Hour)), "a cancelled task never comes back")
}

func TestCancelRunningHoldsPathsUntilFinish(t *testing.T) {
	q := newQueue(t, Options{})
	add(t, q, Spec{ID: "a", Owns: []string{"src"}}, Spec{ID: "b", Owns: []string{"src"}})
	require.Equal(t, "a", next(q, t0))
	changes, err := q.Cancel([]string{"a"}, "x")
	require.NoError(t, err)
	require.Len(t, changes, 1)
	assert.Equal(t, Running, changes[0].From)
	assert.Empty(t, drain(q, t0), "the cancelled instance still runs and holds src")

	res := finish(t, q, "a", Success)
	assert.Equal(t, Cancelled, res.State, "a cancelled task stays cancelled")
	assert.Equal(t, []string{"b"}, drain(q, t0))
}
