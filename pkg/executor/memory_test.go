package executor

import (
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEndedInstancesReleaseBuffers runs short tasks to their end. The pool
// keeps every ended instance for status, so each must give back the two
// 1 MiB output rings and the 5 MiB terminal emulator it used while it ran.
func TestEndedInstancesReleaseBuffers(t *testing.T) {
	const tasks = 20
	pool := startPool(t, Options{MaxInstances: 5})
	before := heapAlloc()
	specs := make([]TaskSpec, tasks)
	for n := range specs {
		specs[n] = TaskSpec{Prompt: "print:10"}
	}
	infos, err := pool.Submit(specs)
	require.NoError(t, err)
	for _, info := range infos {
		require.Equal(t, "succeeded", waitTask(t, pool, info.ID, 30*time.Second).State)
	}

	grown := int64(heapAlloc()) - int64(before)
	assert.Less(t, grown, int64(tasks<<20), "%d ended instances keep %d bytes", tasks, grown)
}

// heapAlloc returns the bytes of live heap objects after a collection.
func heapAlloc() uint64 {
	runtime.GC()
	var stats runtime.MemStats
	runtime.ReadMemStats(&stats)
	return stats.HeapAlloc
}
