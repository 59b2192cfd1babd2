package executor

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
)

// allEvents reads the whole event log of a pool.
func allEvents(t *testing.T, pool *Pool) []Event {
	t.Helper()
	var out []Event
	cursor := int64(0)
	for {
		page, next := pool.Events(cursor, 100)
		if len(page) == 0 {
			return out
		}
		out = append(out, page...)
		cursor = next
	}
}

func eventsOfKind(events []Event, kind string) []Event {
	var out []Event
	for _, ev := range events {
		if ev.Kind == kind {
			out = append(out, ev)
		}
	}
	return out
}

func TestPoolLogsEveryEventInOrder(t *testing.T) {
	pool := startPool(t, Options{Thresholds: longThresholds()})
	task := submitOne(t, pool, TaskSpec{Prompt: "productive:3"})
	waitTask(t, pool, task.ID, 20*time.Second)

	events := allEvents(t, pool)
	require.NotEmpty(t, events)
	for i, ev := range events {
		assert.Equal(t, int64(i+1), ev.Seq, "event %d (%s)", i, ev.Kind)
	}
	oldest, latest := pool.EventBounds()
	assert.Equal(t, int64(1), oldest)
	assert.Equal(t, events[len(events)-1].Seq, latest)

	started := eventsOfKind(events, EventInstanceStarted)
	require.Len(t, started, 1)
	assert.Equal(t, "starting", started[0].State)
	exited := eventsOfKind(events, EventInstanceExited)
	require.Len(t, exited, 1)
	assert.Equal(t, "exited", exited[0].State)
	finished := eventsOfKind(events, EventTaskFinished)
	require.Len(t, finished, 1)
	assert.Equal(t, LevelInfo, finished[0].Level)
	assert.Equal(t, "succeeded", finished[0].TaskState)

	scores := eventsOfKind(events, EventScore)
	require.NotEmpty(t, scores)
	for _, ev := range scores {
		assert.Equal(t, LevelDebug, ev.Level)
		assert.NotEmpty(t, ev.Parts, "score update %d has its parts", ev.Seq)
		assert.Equal(t, "keep", ev.Verdict)
	}
	for i := 1; i < len(scores); i++ {
		changed := scores[i].Score != scores[i-1].Score || scores[i].Verdict != scores[i-1].Verdict
		assert.True(t, changed, "score update %d repeats the one before", scores[i].Seq)
	}
	states := eventsOfKind(events, EventInstanceState)
	require.NotEmpty(t, states)
	assert.Equal(t, "working", states[0].State)
	assert.Equal(t, LevelInfo, states[0].Level)
}

func TestFailedTaskEventIsError(t *testing.T) {
	pool := startPool(t, Options{MaxAttempts: 1, Thresholds: longThresholds()})
	task := submitOne(t, pool, TaskSpec{Prompt: "exit:3"})
	waitTask(t, pool, task.ID, 20*time.Second)

	finished := eventsOfKind(allEvents(t, pool), EventTaskFinished)
	require.Len(t, finished, 1)
	assert.Equal(t, LevelError, finished[0].Level)
	assert.Equal(t, "failed", finished[0].TaskState)
	assert.Contains(t, finished[0].Reason, "exited with code 3")
}

func TestKillEventCarriesReason(t *testing.T) {
	pool := startPool(t, Options{Thresholds: longThresholds()})
	task := submitOne(t, pool, TaskSpec{Prompt: "chatty"})
	inst := waitInstance(t, pool, task.ID)
	_, err := pool.Kill(inst.ID, "no longer needed", false)
	require.NoError(t, err)
	waitTask(t, pool, task.ID, 20*time.Second)

	events := allEvents(t, pool)
	killed := eventsOfKind(events, EventInstanceKilled)
	require.Len(t, killed, 1)
	assert.Equal(t, LevelWarning, killed[0].Level)
	assert.Equal(t, "killed", killed[0].State)
	assert.Equal(t, "no longer needed", killed[0].Reason)
	assert.True(t, killed[0].Terminal())
	finished := eventsOfKind(events, EventTaskFinished)
	require.Len(t, finished, 1)
	assert.Equal(t, LevelWarning, finished[0].Level, "a cancelled task is a warning, not an error")
	assert.Equal(t, "cancelled", finished[0].TaskState)
}

func TestEndedInstanceLeavesNoObservation(t *testing.T) {
	pool := startPool(t, Options{Thresholds: longThresholds()})
	task := submitOne(t, pool, TaskSpec{Prompt: "productive:2"})
	waitTask(t, pool, task.ID, 20*time.Second)
	// A tick that raced with the end must not have put the entry back.
	time.Sleep(3 * pool.Options().TickInterval)
	pool.observed.mu.Lock()
	defer pool.observed.mu.Unlock()
	assert.Empty(t, pool.observed.last)
}

func TestEventTerminalKinds(t *testing.T) {
	for kind, want := range map[string]bool{
		EventInstanceExited: true, EventInstanceKilled: true, EventTaskFinished: true,
		EventScore: false, EventWarning: false, EventTaskRequeued: false, EventInstanceState: false,
	} {
		assert.Equal(t, want, Event{Kind: kind}.Terminal(), kind)
	}
}

func TestEventLogSizeOption(t *testing.T) {
	pool := startPool(t, Options{EventLogSize: 3, Thresholds: longThresholds()})
	task := submitOne(t, pool, TaskSpec{Prompt: "productive:2"})
	waitTask(t, pool, task.ID, 20*time.Second)
	oldest, latest := pool.EventBounds()
	assert.Equal(t, latest-2, oldest, "the log keeps only the last 3 events")
	assert.Len(t, allEvents(t, pool), 3)
}

func TestNegativeEventLogSizeRejected(t *testing.T) {
	_, err := New(Options{WorkspaceRoot: t.TempDir(), Agent: testTemplate(), EventLogSize: -1})
	assert.ErrorContains(t, err, "event log size -1 is negative")
}

func TestQuietEventsLogAtDebug(t *testing.T) {
	for _, quiet := range []bool{false, true} {
		core, logs := observer.New(zap.InfoLevel)
		pool := startPool(t, Options{Thresholds: longThresholds(), QuietEvents: quiet, Logger: zap.New(core)})
		task := submitOne(t, pool, TaskSpec{Prompt: "productive:1"})
		waitTask(t, pool, task.ID, 20*time.Second)

		logged := logs.FilterFieldKey("event").Len()
		if quiet {
			assert.Zero(t, logged, "quiet events leave the info log")
		} else {
			assert.Positive(t, logged, "events are logged at their level")
		}
		assert.NotEmpty(t, allEvents(t, pool), "the event log keeps every event either way")
	}
}
