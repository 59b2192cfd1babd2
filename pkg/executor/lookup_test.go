package executor

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTasksByIDAndName(t *testing.T) {
	pool := startPool(t, Options{MaxInstances: 2}, "/bin/sh -c 'sleep 30'")
	infos, err := pool.Submit([]TaskSpec{{Prompt: "a", Name: "first"}, {Prompt: "b"}})
	require.NoError(t, err)

	got, err := pool.Tasks([]string{infos[1].ID, "first", infos[1].ID})
	require.NoError(t, err)
	require.Len(t, got, 2, "a repeated reference is listed once")
	assert.Equal(t, infos[1].ID, got[0].ID, "results follow the order of the references")
	assert.Equal(t, infos[0].ID, got[1].ID, "a name selects its task")
}

func TestTasksEmptySelectsAll(t *testing.T) {
	pool := startPool(t, Options{MaxInstances: 1}, "/bin/sh -c 'sleep 30'")
	infos, err := pool.Submit([]TaskSpec{{Prompt: "a"}, {Prompt: "b"}, {Prompt: "c"}})
	require.NoError(t, err)

	got, err := pool.Tasks(nil)
	require.NoError(t, err)
	require.Len(t, got, 3)
	for i := range infos {
		assert.Equal(t, infos[i].ID, got[i].ID, "task %d in submission order", i)
	}
}

func TestTasksUnknownReference(t *testing.T) {
	pool := startPool(t, Options{}, "/bin/sh -c 'sleep 30'")
	submitOne(t, pool, TaskSpec{Prompt: "a"})

	_, err := pool.Tasks([]string{"t-missing"})
	assert.ErrorContains(t, err, `task "t-missing" not found`)
}
