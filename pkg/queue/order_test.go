package queue

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNextOrdersByPriority(t *testing.T) {
	q := newQueue(t, Options{})
	add(t, q, Spec{ID: "low"}, Spec{ID: "high", Priority: 5}, Spec{ID: "mid", Priority: 1})
	assert.Equal(t, []string{"high", "mid", "low"}, drain(q, t0))
}

func TestNextIsFIFOWithinPriority(t *testing.T) {
	q := newQueue(t, Options{})
	add(t, q, Spec{ID: "a", Priority: 2}, Spec{ID: "b", Priority: 2})
	add(t, q, Spec{ID: "c", Priority: 2}, Spec{ID: "d", Priority: 2})
	assert.Equal(t, []string{"a", "b", "c", "d"}, drain(q, t0))
}

func TestNextCountsAttempts(t *testing.T) {
	q := newQueue(t, Options{})
	add(t, q, Spec{ID: "a"})
	d, ok := q.Next(t0)
	require.True(t, ok)
	assert.Equal(t, 1, d.Attempt)
	assert.Equal(t, Running, state(t, q, "a"))
	assert.Equal(t, 1, q.Running())
}

func TestDependentWaitsForSuccess(t *testing.T) {
	q := newQueue(t, Options{})
	add(t, q, Spec{ID: "build"}, Spec{ID: "test", DependsOn: []string{"build"}, Priority: 9})
	assert.Equal(t, []string{"build"}, drain(q, t0))
	assert.Equal(t, Pending, state(t, q, "test"))
	finish(t, q, "build", Success)
	assert.Equal(t, []string{"test"}, drain(q, t0))
}

func TestDiamondWaitsForBothSides(t *testing.T) {
	q := newQueue(t, Options{})
	add(t, q,
		Spec{ID: "a"},
		Spec{ID: "b", DependsOn: []string{"a"}},
		Spec{ID: "c", DependsOn: []string{"a"}},
		Spec{ID: "d", DependsOn: []string{"b", "c"}},
	)
	require.Equal(t, []string{"a"}, drain(q, t0))
	finish(t, q, "a", Success)
	require.Equal(t, []string{"b", "c"}, drain(q, t0))
	finish(t, q, "b", Success)
	assert.Empty(t, drain(q, t0), "d still waits for c")
	finish(t, q, "c", Success)
	assert.Equal(t, []string{"d"}, drain(q, t0))
}

func TestDependencyByNameAcrossBatches(t *testing.T) {
	q := newQueue(t, Options{})
	add(t, q, Spec{ID: "t-1", Name: "build"})
	add(t, q, Spec{ID: "t-2", DependsOn: []string{"build", "t-1"}})
	info, ok := q.Task("t-2")
	require.True(t, ok)
	assert.Equal(t, []string{"t-1"}, info.DependsOn, "a task named twice counts once")
	assert.Equal(t, 1, info.UnmetDependencies)
}

func TestAddAfterDependencySucceeded(t *testing.T) {
	q := newQueue(t, Options{})
	add(t, q, Spec{ID: "a"})
	drain(q, t0)
	finish(t, q, "a", Success)
	add(t, q, Spec{ID: "b", DependsOn: []string{"a"}})
	assert.Equal(t, []string{"b"}, drain(q, t0))
}
