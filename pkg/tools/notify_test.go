package tools

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap/zaptest"

	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
)

// fakeSource is an event log with a bus, standing in for the pool.
type fakeSource struct {
	log  *executor.MemoryLog
	mu   sync.Mutex
	subs []chan executor.Event
}

func (f *fakeSource) publish(ev executor.Event) executor.Event {
	if ev.Level == "" {
		ev.Level = executor.LevelInfo
	}
	ev = f.log.Append(ev)
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, ch := range f.subs {
		select {
		case ch <- ev:
		default:
		}
	}
	return ev
}

func (f *fakeSource) Subscribe(buffer int) (<-chan executor.Event, func()) {
	ch := make(chan executor.Event, buffer)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.subs = append(f.subs, ch)
	return ch, func() {}
}

func (f *fakeSource) Events(cursor int64, limit int) ([]executor.Event, int64) {
	return f.log.After(cursor, limit)
}

func (f *fakeSource) EventBounds() (int64, int64) { return f.log.Bounds() }

// notifyHarness runs a notifier between a fake pool and a real mcp-go
// server whose sessions are in-process.
type notifyHarness struct {
	mcp    *server.MCPServer
	source *fakeSource
}

func startNotifier(t *testing.T, logSize int) *notifyHarness {
	t.Helper()
	hooks := &server.Hooks{}
	srv := server.NewMCPServer("test", "1", server.WithLogging(), server.WithHooks(hooks))
	source := &fakeSource{log: executor.NewMemoryLog(logSize)}
	opts := notifyOptions{scoreInterval: 200 * time.Millisecond, retryMin: time.Millisecond,
		retryMax: 10 * time.Millisecond, now: time.Now}
	n := newNotifier(source, srv, zaptest.NewLogger(t), opts)
	n.trackSessions(hooks)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		n.run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Errorf("the notifier did not stop within 5 s of its context ending")
		}
	})
	return &notifyHarness{mcp: srv, source: source}
}

// connect registers an initialized session that set level with
// logging/setLevel.
func (h *notifyHarness) connect(t *testing.T, id string, level mcp.LoggingLevel) *server.InProcessSession {
	t.Helper()
	session := server.NewInProcessSession(id, nil)
	require.NoError(t, h.mcp.RegisterSession(context.Background(), session))
	session.Initialize()
	h.setLevel(t, session, level)
	return session
}

// setLevel sends logging/setLevel through the server's own handler.
func (h *notifyHarness) setLevel(t *testing.T, session server.ClientSession, level mcp.LoggingLevel) {
	t.Helper()
	ctx := h.mcp.WithContext(context.Background(), session)
	request := fmt.Sprintf(`{"jsonrpc":"2.0","id":1,"method":"logging/setLevel","params":{"level":%q}}`, level)
	response := h.mcp.HandleMessage(ctx, []byte(request))
	data, err := json.Marshal(response)
	require.NoError(t, err)
	require.NotContains(t, string(data), `"error"`, "logging/setLevel failed: %s", data)
}

// received is the notifications one session has read, in order.
type received struct {
	mu     sync.Mutex
	events []EventData
	levels []mcp.LoggingLevel
}

// collect reads the session's notifications until the test ends.
func collect(t *testing.T, session *server.InProcessSession) *received {
	t.Helper()
	r := &received{}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case note := <-session.ClientNotifications():
				data, _ := note.Params.AdditionalFields["data"].(EventData)
				level, _ := note.Params.AdditionalFields["level"].(mcp.LoggingLevel)
				r.mu.Lock()
				r.events = append(r.events, data)
				r.levels = append(r.levels, level)
				r.mu.Unlock()
			}
		}
	}()
	return r
}

func (r *received) snapshot() []EventData {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]EventData(nil), r.events...)
}

func (r *received) kinds() []string {
	var kinds []string
	for _, ev := range r.snapshot() {
		kinds = append(kinds, ev.Kind)
	}
	return kinds
}

func (r *received) waitCount(t *testing.T, n int) []EventData {
	t.Helper()
	arrived := assert.Eventually(t, func() bool { return len(r.snapshot()) >= n }, 10*time.Second, 5*time.Millisecond)
	if !arrived {
		t.Fatalf("expected %d notifications, got kinds %v", n, r.kinds())
	}
	return r.snapshot()
}

// publishOneOfEach publishes one event of each level, the error last.
func publishOneOfEach(source *fakeSource) {
	source.publish(executor.Event{Kind: executor.EventScore, Level: executor.LevelDebug, InstanceID: "i-a",
		TaskID: "t-a", Score: 0, Verdict: "keep"})
	source.publish(executor.Event{Kind: executor.EventInstanceState, InstanceID: "i-a", TaskID: "t-a", State: "working"})
	source.publish(executor.Event{Kind: executor.EventWarning, Level: executor.LevelWarning, InstanceID: "i-a", TaskID: "t-a"})
	source.publish(executor.Event{Kind: executor.EventInstanceKilled, Level: executor.LevelWarning, InstanceID: "i-a",
		TaskID: "t-a", Reason: "stuck"})
	source.publish(executor.Event{Kind: executor.EventTaskFinished, Level: executor.LevelError, TaskID: "t-a",
		TaskState: "failed"})
}

func TestNotifierHonoursSessionLevels(t *testing.T) {
	h := startNotifier(t, 100)
	debug := collect(t, h.connect(t, "debug", mcp.LoggingLevelDebug))
	info := collect(t, h.connect(t, "info", mcp.LoggingLevelInfo))
	warning := collect(t, h.connect(t, "warning", mcp.LoggingLevelWarning))
	publishOneOfEach(h.source)

	debug.waitCount(t, 5)
	info.waitCount(t, 4)
	warning.waitCount(t, 3)
	// The error event is published last, so every earlier one has been
	// handled; give the score update, sent after its batch, a moment.
	time.Sleep(300 * time.Millisecond)

	assert.ElementsMatch(t, []string{"instance_score", "instance_state", "instance_warning", "instance_killed",
		"task_finished"}, debug.kinds())
	assert.Equal(t, []string{"instance_state", "instance_warning", "instance_killed", "task_finished"}, info.kinds())
	assert.Equal(t, []string{"instance_warning", "instance_killed", "task_finished"}, warning.kinds())
	assert.Equal(t, []mcp.LoggingLevel{"warning", "warning", "error"}, warning.levels)
}

func TestNotifierDefaultLevelIsError(t *testing.T) {
	h := startNotifier(t, 100)
	session := server.NewInProcessSession("quiet", nil)
	require.NoError(t, h.mcp.RegisterSession(context.Background(), session))
	session.Initialize()
	got := collect(t, session)
	publishOneOfEach(h.source)
	got.waitCount(t, 1)
	time.Sleep(100 * time.Millisecond)
	assert.Equal(t, []string{"task_finished"}, got.kinds(), "mcp-go starts each session at level error")
}

func TestNotifierCoalescesScoreUpdates(t *testing.T) {
	h := startNotifier(t, 1000)
	got := collect(t, h.connect(t, "debug", mcp.LoggingLevelDebug))
	for score := 1; score <= 50; score++ {
		h.source.publish(executor.Event{Kind: executor.EventScore, Level: executor.LevelDebug, InstanceID: "i-a",
			Score: score, Verdict: "keep"})
	}
	require.Eventually(t, func() bool {
		events := got.snapshot()
		return len(events) > 0 && *events[len(events)-1].Score == 50
	}, 10*time.Second, 10*time.Millisecond, "the latest score update arrives")
	assert.Less(t, len(got.snapshot()), 50, "score updates are coalesced")
}

// publishFinished publishes n task_finished events, each one terminal.
func publishFinished(source *fakeSource, n int) {
	for i := 0; i < n; i++ {
		source.publish(executor.Event{Kind: executor.EventTaskFinished, TaskID: fmt.Sprintf("t-%d", i),
			TaskState: "succeeded"})
	}
}

// waitQueued waits until the session's notification channel holds n.
func waitQueued(t *testing.T, session *server.InProcessSession, n int) {
	t.Helper()
	require.Eventually(t, func() bool { return len(session.ClientNotifications()) == n }, 10*time.Second,
		time.Millisecond, "the session's channel never held %d notifications", n)
}

func TestNotifierKeepsTerminalEventsWhenChannelFull(t *testing.T) {
	h := startNotifier(t, 1000)
	session := h.connect(t, "slow", mcp.LoggingLevelInfo)
	publishFinished(h.source, 300)
	waitQueued(t, session, 100) // mcp-go's channel holds 100; the rest wait in the notifier

	events := collect(t, session).waitCount(t, 300)
	require.Len(t, events, 300)
	for i, ev := range events {
		assert.Equal(t, int64(i+1), ev.Seq, "notification %d", i)
	}
}

func TestNotifierWarnsOfEvictedEvents(t *testing.T) {
	h := startNotifier(t, 20)
	session := h.connect(t, "slow", mcp.LoggingLevelInfo)
	// The test reads nothing from the session's channel yet, so the
	// sender can send at most 100 events and hold one 20-event page,
	// while the 20-event log evicts all but the last 20.
	publishFinished(h.source, 150)
	got := collect(t, session)
	require.Eventually(t, func() bool {
		events := got.snapshot()
		return len(events) > 0 && events[len(events)-1].Seq == 150
	}, 10*time.Second, 5*time.Millisecond, "the last event arrives")

	covered := make(map[int64]bool)
	warnings := 0
	last := int64(0)
	for _, ev := range got.snapshot() {
		if ev.Kind != EventsMissed {
			assert.Greater(t, ev.Seq, last, "events arrive in order")
			last = ev.Seq
			covered[ev.Seq] = true
			continue
		}
		warnings++
		assert.Equal(t, int64(0), ev.Seq)
		assert.Equal(t, "warning", ev.Level)
		var first, end int64
		_, err := fmt.Sscanf(ev.Message, "events %d to %d were evicted", &first, &end)
		require.NoError(t, err, "message %q", ev.Message)
		for seq := first; seq <= end; seq++ {
			covered[seq] = true
		}
	}
	assert.Positive(t, warnings, "the session is told that events were evicted")
	for seq := int64(1); seq <= 150; seq++ {
		assert.True(t, covered[seq], "event %d was neither sent nor reported as evicted", seq)
	}
	for seq := int64(131); seq <= 150; seq++ {
		assert.True(t, covered[seq], "event %d was still stored and must be sent", seq)
	}
}

func TestNotifierWaitsForInitialization(t *testing.T) {
	h := startNotifier(t, 100)
	session := server.NewInProcessSession("late", nil)
	require.NoError(t, h.mcp.RegisterSession(context.Background(), session))
	got := collect(t, session)
	h.source.publish(executor.Event{Kind: executor.EventTaskFinished, Level: executor.LevelError, TaskID: "t-a",
		TaskState: "failed"})
	time.Sleep(50 * time.Millisecond)
	assert.Empty(t, got.snapshot(), "nothing is sent before the session is initialized")

	session.Initialize()
	events := got.waitCount(t, 1)
	assert.Equal(t, "t-a", events[0].TaskID)
}

func TestNotifierStartsAtRegistration(t *testing.T) {
	h := startNotifier(t, 100)
	publishFinished(h.source, 3)
	got := collect(t, h.connect(t, "new", mcp.LoggingLevelInfo))
	h.source.publish(executor.Event{Kind: executor.EventInstanceKilled, Level: executor.LevelWarning, InstanceID: "i-z"})

	events := got.waitCount(t, 1)
	time.Sleep(50 * time.Millisecond)
	assert.Len(t, got.snapshot(), 1, "events from before the session registered are not sent")
	assert.Equal(t, int64(4), events[0].Seq)
}

func TestNotifierSessionRegisteredAgain(t *testing.T) {
	h := startNotifier(t, 100)
	first := h.connect(t, "same-id", mcp.LoggingLevelInfo)
	h.mcp.UnregisterSession(context.Background(), "same-id")
	second := collect(t, h.connect(t, "same-id", mcp.LoggingLevelInfo))
	publishFinished(h.source, 2)

	second.waitCount(t, 2)
	assert.Zero(t, len(first.ClientNotifications()), "the session that left gets nothing")
}

func TestNotifierDropsScoreAfterEnd(t *testing.T) {
	h := startNotifier(t, 100)
	got := collect(t, h.connect(t, "debug", mcp.LoggingLevelDebug))
	h.source.publish(executor.Event{Kind: executor.EventScore, Level: executor.LevelDebug, InstanceID: "i-a", Score: 10})
	got.waitCount(t, 1)
	// This update waits for the coalescing interval, and the exit that
	// follows at once must cancel it.
	h.source.publish(executor.Event{Kind: executor.EventScore, Level: executor.LevelDebug, InstanceID: "i-a", Score: 20})
	h.source.publish(executor.Event{Kind: executor.EventInstanceExited, InstanceID: "i-a"})

	got.waitCount(t, 2)
	time.Sleep(400 * time.Millisecond)
	assert.Equal(t, []string{"instance_score", "instance_exited"}, got.kinds())
}

func TestEventDataScore(t *testing.T) {
	score := eventData(executor.Event{Kind: executor.EventScore, Score: 0})
	require.NotNil(t, score.Score, "a score update sends a score of 0")
	assert.Equal(t, 0, *score.Score)

	queued := eventData(executor.Event{Kind: executor.EventTaskQueued})
	assert.Nil(t, queued.Score)
	data, err := json.Marshal(queued)
	require.NoError(t, err)
	assert.NotContains(t, string(data), "score")
}
