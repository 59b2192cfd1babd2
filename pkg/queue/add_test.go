package queue

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAddRejectsCycleWithPath(t *testing.T) {
	q := newQueue(t, Options{})
	_, err := q.Add([]Spec{
		{ID: "t-0", Name: "setup"},
		{ID: "t-1", Name: "a", DependsOn: []string{"b"}},
		{ID: "t-2", Name: "b", DependsOn: []string{"c", "setup"}},
		{ID: "t-3", Name: "c", DependsOn: []string{"a"}},
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "cycle a -> b -> c -> a")
	assert.Contains(t, err.Error(), "remove one of these dependencies")
	assert.Equal(t, 0, q.Len(), "a rejected batch adds nothing")
}

func TestAddNamesUnnamedTasksInCycle(t *testing.T) {
	q := newQueue(t, Options{})
	_, err := q.Add([]Spec{
		{ID: "t-1", DependsOn: []string{"t-2"}},
		{ID: "t-2", DependsOn: []string{"t-1"}},
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "cycle task 1 -> task 2 -> task 1")
}

func TestAddRejectsBadBatches(t *testing.T) {
	q := newQueue(t, Options{})
	add(t, q, Spec{ID: "t-old", Name: "taken"})
	cases := []struct {
		name  string
		batch []Spec
		want  string
	}{
		{"unknown dependency", []Spec{{ID: "t-1"}, {ID: "t-2", DependsOn: []string{"ghost"}}},
			`task 2: depends_on "ghost" names no known task`},
		{"name used before", []Spec{{ID: "t-1", Name: "taken"}},
			`task 1 ("taken"): name "taken" is already used by another task: choose another name`},
		{"name twice", []Spec{{ID: "t-1", Name: "x"}, {ID: "t-2", Name: "x"}},
			`task 2 ("x"): name "x" appears twice in this request`},
		{"self dependency", []Spec{{ID: "t-1", Name: "me", DependsOn: []string{"me"}}},
			`depends_on "me" names the task itself`},
		{"id used before", []Spec{{ID: "t-old"}}, `id "t-old" is already used`},
		{"id twice", []Spec{{ID: "t-1"}, {ID: "t-1"}}, `id "t-1" is also the id of task 1`},
		{"empty id", []Spec{{}}, "id is empty"},
		{"empty batch", nil, "no tasks given"},
		{"escaping owned path", []Spec{{ID: "t-1", Owns: []string{"src/../../etc"}}}, `owns path "src/../../etc" leaves the workspace`},
		{"empty owned path", []Spec{{ID: "t-1", Owns: []string{" "}}}, "owns contains an empty path"},
		{"negative attempts", []Spec{{ID: "t-1", MaxAttempts: -1}}, "max attempts -1 is negative"},
		{"negative attempts used", []Spec{{ID: "t-1", Attempts: -1}}, "attempts -1 is negative"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := q.Add(tc.batch)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Equal(t, 1, q.Len(), "a rejected batch adds nothing")
		})
	}
}

func TestCheckLeavesQueueUnchanged(t *testing.T) {
	q := newQueue(t, Options{})
	require.NoError(t, q.Check([]Spec{{ID: "a"}}))
	assert.Equal(t, 0, q.Len())
	_, ok := q.Lookup("a")
	assert.False(t, ok)
}

func TestLookupFindsIDsAndNames(t *testing.T) {
	q := newQueue(t, Options{})
	add(t, q, Spec{ID: "t-1", Name: "build"})
	byName, ok := q.Lookup("build")
	require.True(t, ok)
	assert.Equal(t, "t-1", byName)
	byID, ok := q.Lookup("t-1")
	require.True(t, ok)
	assert.Equal(t, "t-1", byID)
}

func TestAddKeepsAttemptsUsed(t *testing.T) {
	q := newQueue(t, Options{})
	add(t, q, Spec{ID: "t-1", MaxAttempts: 3, Attempts: 2})
	next, ok := q.Next(time.Now())
	require.True(t, ok)
	assert.Equal(t, 3, next.Attempt)
	res, err := q.Finish("t-1", Failure, time.Now())
	require.NoError(t, err)
	assert.Equal(t, Failed, res.State, "the third attempt was the last")
}
