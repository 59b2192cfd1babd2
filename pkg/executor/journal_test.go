package executor

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/axiom-mcp/axiom-mcp/pkg/store"
)

// openStoreRun opens a store in a temporary directory and records a run.
func openStoreRun(t *testing.T, dir string) (*store.Store, store.Run) {
	t.Helper()
	st, err := store.Open(context.Background(), dir, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	run, err := st.StartRun(context.Background(), store.Run{StartedAt: time.Now(), PID: os.Getpid(), Version: "test"})
	require.NoError(t, err)
	return st, run
}

// storeOptions returns pool options that write through st for run.
func storeOptions(t *testing.T, st *store.Store, run store.Run) Options {
	t.Helper()
	events, err := NewStoreLog(context.Background(), st, run.ID, nil)
	require.NoError(t, err)
	return Options{Store: st, RunID: run.ID, EventLog: events}
}

func TestStoreRecordsFinishedTask(t *testing.T) {
	ctx := context.Background()
	st, run := openStoreRun(t, t.TempDir())
	pool := startPool(t, storeOptions(t, st, run))
	info := submitOne(t, pool, TaskSpec{Prompt: "productive:1", Name: "one"})
	waitTask(t, pool, info.ID, 20*time.Second)

	stored, err := st.Task(ctx, info.ID)
	require.NoError(t, err)
	assert.Equal(t, "succeeded", stored.State)
	assert.Equal(t, 1, stored.Attempts)
	assert.Equal(t, "one", stored.Name)
	assert.False(t, stored.FinishedAt.IsZero())

	attempts, err := st.AttemptsOfTask(ctx, info.ID)
	require.NoError(t, err)
	require.Len(t, attempts, 1)
	assert.Positive(t, attempts[0].PID)
	assert.Positive(t, attempts[0].PIDStart)
	assert.Equal(t, "exited", attempts[0].State)
	require.NotNil(t, attempts[0].ExitCode)
	assert.Equal(t, 0, *attempts[0].ExitCode)
	assert.Contains(t, attempts[0].FinalScreen, "done")
}

func TestStoreRecordsDependencyIDs(t *testing.T) {
	ctx := context.Background()
	st, run := openStoreRun(t, t.TempDir())
	pool := startPool(t, storeOptions(t, st, run))
	infos, err := pool.Submit([]TaskSpec{
		{Prompt: "productive:1", Name: "first"},
		{Prompt: "productive:1", Name: "second", DependsOn: []string{"first"}},
	})
	require.NoError(t, err)

	stored, err := st.Task(ctx, infos[1].ID)
	require.NoError(t, err)
	assert.Equal(t, []string{infos[0].ID}, stored.DependsOn)
}

func TestStoreLogContinuesSeq(t *testing.T) {
	dir := t.TempDir()
	st, run := openStoreRun(t, dir)
	first, err := NewStoreLog(context.Background(), st, run.ID, nil)
	require.NoError(t, err)
	for range 3 {
		first.Append(Event{Kind: EventWarning, Level: LevelWarning, Message: "m", Time: time.Now()})
	}

	second, err := NewStoreLog(context.Background(), st, run.ID, nil)
	require.NoError(t, err)
	ev := second.Append(Event{Kind: EventWarning, Level: LevelWarning, Message: "after", Time: time.Now()})
	assert.Equal(t, int64(4), ev.Seq)
	events, next := second.After(2, 10)
	require.Len(t, events, 2)
	assert.Equal(t, int64(3), events[0].Seq)
	assert.Equal(t, "after", events[1].Message)
	assert.Equal(t, int64(4), next)
	oldest, latest := second.Bounds()
	assert.Equal(t, int64(1), oldest)
	assert.Equal(t, int64(4), latest)
}

func TestStoreLogRecordsPoolEvents(t *testing.T) {
	ctx := context.Background()
	st, run := openStoreRun(t, t.TempDir())
	pool := startPool(t, storeOptions(t, st, run))
	info := submitOne(t, pool, TaskSpec{Prompt: "productive:1"})
	waitTask(t, pool, info.ID, 20*time.Second)

	events, _ := pool.Events(0, 500)
	stored, err := st.EventsAfter(ctx, 0, 500)
	require.NoError(t, err)
	require.Len(t, stored, len(events))
	kinds := make([]string, 0, len(stored))
	for _, ev := range stored {
		kinds = append(kinds, ev.Kind)
	}
	assert.Contains(t, kinds, EventTaskQueued)
	assert.Contains(t, kinds, EventTaskFinished)
}
