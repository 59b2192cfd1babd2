package executor

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// submitWaiting queues n tasks named w-1 to w-n on a pool with one slot, so
// the first runs and the others wait.
func submitWaiting(t *testing.T, n int) *Pool {
	t.Helper()
	pool := startPool(t, Options{MaxInstances: 1}, "/bin/sh -c 'sleep 30'")
	specs := make([]TaskSpec, n)
	for i := range specs {
		specs[i] = TaskSpec{Prompt: "wait", Name: fmt.Sprintf("w-%d", i+1)}
	}
	_, err := pool.Submit(specs)
	require.NoError(t, err)
	return pool
}

func taskNames(st Status) []string {
	names := make([]string, len(st.Tasks))
	for i, info := range st.Tasks {
		names[i] = info.Name
	}
	return names
}

func TestStatusPagesTasks(t *testing.T) {
	pool := submitWaiting(t, 5)

	st, err := pool.Status(Filter{Offset: 1, Limit: 2})
	require.NoError(t, err)

	assert.Equal(t, []string{"w-2", "w-3"}, taskNames(st))
	assert.Equal(t, 5, st.TasksMatched)
	assert.Empty(t, st.Instances, "only the instances of the tasks shown")
}

func TestStatusOffsetPastEnd(t *testing.T) {
	pool := submitWaiting(t, 3)

	st, err := pool.Status(Filter{Offset: 3})
	require.NoError(t, err)

	assert.Empty(t, st.Tasks)
	assert.NotNil(t, st.Tasks, "an empty page is an empty list, not null")
	assert.Equal(t, 3, st.TasksMatched)
}

func TestStatusFiltersByState(t *testing.T) {
	pool := submitWaiting(t, 4)

	running, err := pool.Status(Filter{State: "running"})
	require.NoError(t, err)
	queued, err := pool.Status(Filter{State: "queued", Limit: 2})
	require.NoError(t, err)

	assert.Equal(t, []string{"w-1"}, taskNames(running))
	assert.Len(t, running.Instances, 1)
	assert.Equal(t, []string{"w-2", "w-3"}, taskNames(queued))
	assert.Equal(t, 3, queued.TasksMatched)
}

func TestStatusLiveTailsOnly(t *testing.T) {
	pool := startPool(t, Options{}, `/bin/sh -c 'echo finished'`)
	info := submitOne(t, pool, TaskSpec{Prompt: "print"})
	waitTask(t, pool, info.ID, 10*time.Second)

	all, err := pool.Status(Filter{TaskID: info.ID})
	require.NoError(t, err)
	live, err := pool.Status(Filter{TaskID: info.ID, LiveTailsOnly: true})
	require.NoError(t, err)

	require.Len(t, all.Instances, 1)
	require.Len(t, live.Instances, 1)
	assert.Equal(t, []string{"finished"}, all.Instances[0].ScreenTail)
	assert.Equal(t, []string{}, live.Instances[0].ScreenTail)
}

func TestStatusFilterErrors(t *testing.T) {
	pool := submitWaiting(t, 1)
	cases := []struct {
		name   string
		filter Filter
		want   string
	}{
		{name: "unknown state", filter: Filter{State: "done"}, want: `state "done" is unknown: use one of queued, running, succeeded, failed, cancelled, blocked`},
		{name: "negative offset", filter: Filter{Offset: -1}, want: "offset -1 is negative"},
		{name: "negative limit", filter: Filter{Limit: -2}, want: "limit -2 is negative"},
		{name: "unknown task", filter: Filter{TaskID: "nobody"}, want: `task "nobody" not found`},
		{name: "unknown instance", filter: Filter{InstanceID: "i-nope"}, want: `instance not found: "i-nope"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := pool.Status(tc.filter)

			assert.ErrorContains(t, err, tc.want)
		})
	}
}
