package executor

import (
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseMemAvailable(t *testing.T) {
	data := []byte("MemTotal:       24000000 kB\nMemFree:         1000 kB\nMemAvailable:    2048 kB\n")
	got, err := parseMeminfo(data, "MemAvailable")
	require.NoError(t, err)
	assert.Equal(t, int64(2048<<10), got)
}

func TestParseMemAvailableMissing(t *testing.T) {
	_, err := parseMeminfo([]byte("MemTotal: 1 kB\n"), "MemAvailable")
	assert.ErrorContains(t, err, "MemAvailable missing")
}

func TestReadMemAvailableOfThisMachine(t *testing.T) {
	got, err := ReadMemAvailable()
	require.NoError(t, err)
	assert.Positive(t, got)
}

// TestORC03StartsWaitForMemory holds a task while the machine reports too
// little memory, without spending its attempt, and starts it once memory
// is available again.
func TestORC03StartsWaitForMemory(t *testing.T) {
	var available atomic.Int64
	available.Store(100 << 20)
	pool := startPool(t, Options{
		MinFreeMemory: 1 << 30,
		FreeMemory:    func() (int64, error) { return available.Load(), nil },
		Thresholds:    longThresholds(),
	})
	events, stop := pool.Subscribe(100)
	defer stop()
	task := submitOne(t, pool, TaskSpec{Prompt: "productive:1"})

	warning := waitEvent(t, events, func(ev Event) bool { return strings.HasPrefix(ev.Message, "new starts wait") })
	assert.Contains(t, warning.Message, "100 MiB of memory available, under the 1024 MiB a start needs")
	for range 5 { // across several ticks of 100 ms
		time.Sleep(100 * time.Millisecond)
		st, err := pool.Status(Filter{TaskID: task.ID})
		require.NoError(t, err)
		assert.Equal(t, "queued", st.Tasks[0].State)
		assert.Zero(t, st.Tasks[0].Attempts, "a held start spends no attempt")
		assert.Contains(t, st.Pool.StartsPaused, "until enough memory is available: 100 MiB")
	}

	available.Store(2 << 30)
	resumed := waitEvent(t, events, func(ev Event) bool { return strings.HasPrefix(ev.Message, "starts go on") })
	assert.Equal(t, "starts go on: enough memory is available", resumed.Message)
	final := waitTask(t, pool, task.ID, 20*time.Second)
	assert.Equal(t, "succeeded", final.State)
	assert.Equal(t, 1, final.Attempts)

	available.Store(200 << 20)
	submitOne(t, pool, TaskSpec{Prompt: "productive:1"})
	again := waitEvent(t, events, func(ev Event) bool { return strings.HasPrefix(ev.Message, "new starts wait") })
	assert.Contains(t, again.Message, "200 MiB", "a second hold warns again")
}

// TestORC03BurstCountsUnsettledStarts submits a burst of tasks. Each start
// of the last few seconds counts as memory the reading does not show yet,
// so only some start at once and the rest start after the first settle.
func TestORC03BurstCountsUnsettledStarts(t *testing.T) {
	pool := startPool(t, Options{
		MaxInstances:  5,
		MinFreeMemory: 400 << 20,
		FreeMemory:    func() (int64, error) { return 1 << 30, nil },
		Thresholds:    longThresholds(),
	})
	specs := make([]TaskSpec, 5)
	for i := range specs {
		specs[i] = TaskSpec{Prompt: "silent"}
	}
	_, err := pool.Submit(specs)
	require.NoError(t, err)

	// 1024 MiB covers 400 MiB and the reserve of two unsettled starts
	// (1000 MiB), not of three (1300 MiB).
	st, err := pool.Status(Filter{})
	require.NoError(t, err)
	assert.Equal(t, 3, st.Pool.Running)
	assert.Equal(t, 2, st.Pool.Queued)
	assert.Contains(t, st.Pool.StartsPaused, "under the 1300 MiB a start needs")
	assert.Contains(t, st.Pool.StartsPaused, "each of the 3 instances started in the last 5s")

	require.Eventually(t, func() bool {
		st, err := pool.Status(Filter{})
		require.NoError(t, err)
		return st.Pool.Running == 5
	}, 20*time.Second, 100*time.Millisecond, "the held tasks start once the burst has settled")
}

// TestORC03StartsWaitForLoad holds a task while the load average per core
// is above max_load and starts it once the load falls.
func TestORC03StartsWaitForLoad(t *testing.T) {
	var load atomic.Value
	load.Store(100.0 * float64(runtime.NumCPU()))
	pool := startPool(t, Options{
		MaxLoad:     4,
		LoadAverage: func() (float64, error) { return load.Load().(float64), nil },
		Thresholds:  longThresholds(),
	})
	events, stop := pool.Subscribe(100)
	defer stop()
	task := submitOne(t, pool, TaskSpec{Prompt: "productive:1"})

	warning := waitEvent(t, events, func(ev Event) bool { return strings.HasPrefix(ev.Message, "new starts wait") })
	assert.Contains(t, warning.Message, "over the 4.00 per core that starts allow (max_load)")
	assert.Contains(t, warning.Message, "raise or turn off --max-load")
	st, err := pool.Status(Filter{TaskID: task.ID})
	require.NoError(t, err)
	assert.Equal(t, "queued", st.Tasks[0].State)
	assert.Zero(t, st.Tasks[0].Attempts, "a held start spends no attempt")
	assert.Contains(t, st.Pool.StartsPaused, "until the load average falls: load average")

	load.Store(0.5)
	final := waitTask(t, pool, task.ID, 20*time.Second)
	assert.Equal(t, "succeeded", final.State)
	assert.Equal(t, 1, final.Attempts)
}

func TestParseLoadAverage(t *testing.T) {
	got, err := parseLoadAverage([]byte("3.25 2.10 1.05 2/345 6789\n"))
	require.NoError(t, err)
	assert.InDelta(t, 3.25, got, 1e-9)

	_, err = parseLoadAverage([]byte("busy 1 1"))
	assert.ErrorContains(t, err, `load average "busy"`)
	_, err = parseLoadAverage(nil)
	assert.ErrorContains(t, err, "empty")
}

// waitEvent returns the first event that match accepts, failing after
// driverWait.
func waitEvent(t *testing.T, events <-chan Event, match func(Event) bool) Event {
	t.Helper()
	deadline := time.After(driverWait)
	for {
		select {
		case ev := <-events:
			if match(ev) {
				return ev
			}
		case <-deadline:
			t.Fatalf("no matching event after %v", driverWait)
		}
	}
}
