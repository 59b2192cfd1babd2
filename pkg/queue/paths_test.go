package queue

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOverlappingPathsRunOneAtATime(t *testing.T) {
	cases := []struct{ first, second string }{
		{"src", "src/api/handler.go"},
		{"src/api/handler.go", "src"},
		{"src/api", "./src/api/"},
		{".", "README.md"},
		{"/srv/data", "/srv/data/x.db"},
		{"/", "/etc"},
	}
	for _, tc := range cases {
		t.Run(tc.first+" and "+tc.second, func(t *testing.T) {
			q := newQueue(t, Options{})
			add(t, q, Spec{ID: "a", Owns: []string{tc.first}}, Spec{ID: "b", Owns: []string{"other", tc.second}})
			assert.Equal(t, []string{"a"}, drain(q, t0))
			finish(t, q, "a", Success)
			assert.Equal(t, []string{"b"}, drain(q, t0))
		})
	}
}

func TestDisjointPathsRunInParallel(t *testing.T) {
	q := newQueue(t, Options{})
	add(t, q,
		Spec{ID: "a", Owns: []string{"src/api"}},
		Spec{ID: "b", Owns: []string{"src/web"}},
		Spec{ID: "c", Owns: []string{"/src/api"}},
		Spec{ID: "d", Owns: []string{"src/apiv2"}},
		Spec{ID: "e"},
	)
	assert.Equal(t, []string{"a", "b", "c", "d", "e"}, drain(q, t0),
		"relative and absolute paths differ, and a shared name prefix is no overlap")
}

func TestSkippedTaskKeepsItsPlace(t *testing.T) {
	q := newQueue(t, Options{})
	add(t, q, Spec{ID: "holder", Owns: []string{"db"}, Priority: 9})
	require.Equal(t, "holder", next(q, t0))
	add(t, q,
		Spec{ID: "waiter", Owns: []string{"db/schema.sql"}, Priority: 5},
		Spec{ID: "free", Priority: 1},
	)
	assert.Equal(t, []string{"free"}, drain(q, t0), "the waiter is skipped")
	add(t, q, Spec{ID: "later", Priority: 5})
	finish(t, q, "holder", Success)
	assert.Equal(t, []string{"waiter", "later"}, drain(q, t0),
		"the waiter runs before a later task of the same priority")
}

func TestTasksOnOnePathRunInOrder(t *testing.T) {
	q := newQueue(t, Options{})
	var specs []Spec
	var want []string
	for i := range 200 {
		id := fmt.Sprintf("t-%03d", i)
		specs = append(specs, Spec{ID: id, Owns: []string{"go.mod"}, Priority: i % 3})
	}
	add(t, q, specs...)
	for p := 2; p >= 0; p-- {
		for i := p; i < 200; i += 3 {
			want = append(want, fmt.Sprintf("t-%03d", i))
		}
	}
	var got []string
	for {
		ids := drain(q, t0)
		if len(ids) == 0 {
			break
		}
		require.Len(t, ids, 1, "only one task at a time owns go.mod")
		got = append(got, ids[0])
		finish(t, q, ids[0], Success)
	}
	assert.Equal(t, want, got)
}

func TestCancelledWaiterLeavesNoClass(t *testing.T) {
	q := newQueue(t, Options{})
	add(t, q, Spec{ID: "a", Owns: []string{"x"}}, Spec{ID: "b", Owns: []string{"x"}})
	require.Equal(t, []string{"a"}, drain(q, t0))
	_, err := q.Cancel([]string{"b"}, "x")
	require.NoError(t, err)
	finish(t, q, "a", Success)
	assert.Empty(t, drain(q, t0))
	assert.Empty(t, q.classes, "no class is kept for tasks that are gone")
}

func TestPathTreeEmptiesAfterRelease(t *testing.T) {
	q := newQueue(t, Options{})
	add(t, q, Spec{ID: "a", Owns: []string{"src/a", "/tmp/x", "src"}})
	require.Equal(t, "a", next(q, t0))
	finish(t, q, "a", Success)
	assert.Empty(t, q.held.children)
	assert.Zero(t, q.held.below)
}
