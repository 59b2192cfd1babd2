package tools

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
)

// callStatus calls the status tool and returns its result.
func callStatus(t *testing.T, mcpClient *client.Client, args map[string]any) *mcp.CallToolResult {
	t.Helper()
	req := mcp.CallToolRequest{}
	req.Params.Name = "status"
	req.Params.Arguments = args
	result, err := mcpClient.CallTool(t.Context(), req)
	require.NoError(t, err)
	return result
}

func decodeStatus(t *testing.T, result *mcp.CallToolResult) (StatusOutput, map[string]any) {
	t.Helper()
	require.False(t, result.IsError, "result: %s", resultText(result))
	data, err := json.Marshal(result.StructuredContent)
	require.NoError(t, err)
	var out StatusOutput
	require.NoError(t, json.Unmarshal(data, &out))
	var raw map[string]any
	require.NoError(t, json.Unmarshal(data, &raw))
	return out, raw
}

// spawnSleepers queues n named tasks on a pool of 2 slots.
func spawnSleepers(t *testing.T, mcpClient *client.Client, n int) {
	t.Helper()
	tasks := make([]map[string]any, n)
	for i := range tasks {
		tasks[i] = map[string]any{"prompt": "sleep", "name": fmt.Sprintf("sleeper-%d", i+1)}
	}
	req := mcp.CallToolRequest{}
	req.Params.Name = "spawn"
	req.Params.Arguments = map[string]any{"tasks": tasks}
	result, err := mcpClient.CallTool(t.Context(), req)
	require.NoError(t, err)
	require.False(t, result.IsError, "spawn: %s", resultText(result))
}

func TestStatusEventsPagesFromCursor(t *testing.T) {
	pool := startTestPool(t)
	mcpClient := connect(t, pool, Options{})
	spawnSleepers(t, mcpClient, 3)
	_, latest := pool.EventBounds()
	require.GreaterOrEqual(t, latest, int64(5), "3 queued and 2 started")

	var seen []int64
	cursor := int64(0)
	for pages := 0; cursor < latest; pages++ {
		require.Less(t, pages, 10, "paging does not end")
		out, _ := decodeStatus(t, callStatus(t, mcpClient, map[string]any{"events_after": cursor, "events_limit": 2}))
		require.NotNil(t, out.NextCursor)
		assert.LessOrEqual(t, len(out.Events), 2)
		for _, ev := range out.Events {
			seen = append(seen, ev.Seq)
		}
		cursor = *out.NextCursor
	}
	for i, seq := range seen[:latest] {
		assert.Equal(t, int64(i+1), seq, "pages cover every event once, in order")
	}
}

func TestStatusEventsFirstPageContents(t *testing.T) {
	pool := startTestPool(t)
	mcpClient := connect(t, pool, Options{})
	spawnSleepers(t, mcpClient, 1)
	out, _ := decodeStatus(t, callStatus(t, mcpClient, map[string]any{"events_after": 0}))
	require.NotEmpty(t, out.Events)
	assert.Equal(t, executor.EventTaskQueued, out.Events[0].Kind)
	assert.Equal(t, int64(1), out.EventsOldestSeq)
	assert.Zero(t, out.EventsMissed)
}

func TestStatusOmitsEventsUnlessAsked(t *testing.T) {
	pool := startTestPool(t)
	mcpClient := connect(t, pool, Options{})
	spawnSleepers(t, mcpClient, 1)
	_, raw := decodeStatus(t, callStatus(t, mcpClient, map[string]any{}))
	assert.NotContains(t, raw, "events")
	assert.NotContains(t, raw, "next_cursor")
}

func TestStatusEventsLimitAloneStartsAtOldest(t *testing.T) {
	pool := startTestPool(t)
	mcpClient := connect(t, pool, Options{})
	spawnSleepers(t, mcpClient, 2)
	out, _ := decodeStatus(t, callStatus(t, mcpClient, map[string]any{"events_limit": 1}))
	require.Len(t, out.Events, 1)
	assert.Equal(t, int64(1), out.Events[0].Seq)
}

func TestStatusEventsInputErrors(t *testing.T) {
	pool := startTestPool(t)
	mcpClient := connect(t, pool, Options{})
	spawnSleepers(t, mcpClient, 1)
	for _, tc := range []struct {
		args map[string]any
		want string
	}{
		{map[string]any{"events_after": -1}, "events_after -1 is negative"},
		{map[string]any{"events_after": 1000000}, "events_after 1000000 is beyond the latest event"},
		{map[string]any{"events_after": 0, "events_limit": 501}, "events_limit 501 is out of range: use 1 to 500"},
		{map[string]any{"events_limit": -3}, "events_limit -3 is out of range"},
		{map[string]any{"events_level": "loud"}, `events_level "loud" is unknown: use one of debug, info, warning, error`},
	} {
		result := callStatus(t, mcpClient, tc.args)
		assert.True(t, result.IsError, "%v", tc.args)
		assert.Contains(t, resultText(result), tc.want)
	}
}

func TestStatusEventsFilteredByTask(t *testing.T) {
	pool := startTestPool(t)
	mcpClient := connect(t, pool, Options{})
	spawnSleepers(t, mcpClient, 3)
	out, _ := decodeStatus(t, callStatus(t, mcpClient, map[string]any{"task_id": "sleeper-2", "events_after": 0}))
	require.Len(t, out.Tasks, 1)
	require.NotEmpty(t, out.Events)
	for _, ev := range out.Events {
		assert.Equal(t, out.Tasks[0].ID, ev.TaskID, "event %d (%s)", ev.Seq, ev.Kind)
	}
	_, latest := pool.EventBounds()
	require.NotNil(t, out.NextCursor)
	assert.GreaterOrEqual(t, *out.NextCursor, out.Events[len(out.Events)-1].Seq)
	assert.LessOrEqual(t, *out.NextCursor, latest)
}

// sourceWith returns a fake source holding n events, every third one of
// task t-b, in a log of capacity events.
func sourceWith(n, capacity int, message string) *fakeSource {
	source := &fakeSource{log: executor.NewMemoryLog(capacity)}
	for i := 1; i <= n; i++ {
		task := "t-a"
		if i%3 == 0 {
			task = "t-b"
		}
		source.publish(executor.Event{Kind: executor.EventTaskQueued, TaskID: task, Message: message})
	}
	return source
}

func TestReadEventPageReportsEvicted(t *testing.T) {
	source := sourceWith(50, 10, "queued")
	page := readEventPage(source, 5, 100, eventMatcher{})
	assert.Equal(t, int64(41), page.EventsOldestSeq)
	assert.Equal(t, int64(35), page.EventsMissed, "events 6 to 40 were evicted")
	require.Len(t, page.Events, 10)
	assert.Equal(t, int64(41), page.Events[0].Seq)
	assert.Equal(t, int64(50), *page.NextCursor)
	assert.Equal(t, int64(50), page.EventsLatestSeq)
	assert.False(t, page.EventsMore, "the page reached the newest event")
}

func TestReadEventPageStaysInBudget(t *testing.T) {
	source := sourceWith(100, 100, strings.Repeat("m", 2000))
	page := readEventPage(source, 0, MaxEventsLimit, eventMatcher{})
	assert.LessOrEqual(t, size(page.Events), eventPageBudget)
	assert.Less(t, len(page.Events), 100)
	require.NotEmpty(t, page.Events)
	assert.Equal(t, page.Events[len(page.Events)-1].Seq, *page.NextCursor)
	assert.True(t, page.EventsMore, "a page cut by its size budget says more events follow")
	assert.Equal(t, int64(100), page.EventsLatestSeq)
}

func TestReadEventPageKeepsOneLargeEvent(t *testing.T) {
	source := sourceWith(3, 10, strings.Repeat("m", eventPageBudget+100))
	page := readEventPage(source, 0, 10, eventMatcher{})
	require.Len(t, page.Events, 1, "a page always moves the cursor on")
	assert.Equal(t, int64(1), *page.NextCursor)
}

func TestReadEventPageFilterScansPast(t *testing.T) {
	source := sourceWith(30, 100, "queued")
	match := eventMatcher{filtered: true, tasks: map[string]bool{"t-b": true}}
	page := readEventPage(source, 0, 4, match)
	require.Len(t, page.Events, 4)
	for _, ev := range page.Events {
		assert.Equal(t, "t-b", ev.TaskID)
	}
	assert.Equal(t, int64(12), *page.NextCursor, "the fourth event of t-b is seq 12")
	assert.True(t, page.EventsMore, "a page cut at its limit says more events may follow")

	page = readEventPage(source, 27, 4, match)
	require.Len(t, page.Events, 1)
	assert.Equal(t, int64(30), *page.NextCursor, "the cursor moves to the latest event even past non-matching ones")
	assert.False(t, page.EventsMore)
}

// statusOverBudget returns a result whose instances and events together
// exceed ResultBudget: 40 instances with 8 screen rows of 150 bytes, and a
// full events page.
func statusOverBudget(t *testing.T) StatusOutput {
	t.Helper()
	var st executor.Status
	rows := make([]string, 8)
	for i := range rows {
		rows[i] = strings.Repeat("x", 150)
	}
	for i := 0; i < 40; i++ {
		st.Instances = append(st.Instances, executor.InstanceInfo{ID: "i", ScreenTail: slices.Clone(rows)})
	}
	out := fitBudget(st, 8)
	require.False(t, out.Truncated, "the screens alone fit the budget")
	out.EventPage = readEventPage(sourceWith(100, 100, strings.Repeat("m", 200)), 0, 100, eventMatcher{})
	require.Greater(t, size(out), ResultBudget, "the test needs a result over the budget")
	return out
}

func TestFitEventsShortensTailsFirst(t *testing.T) {
	out := statusOverBudget(t)
	events := len(out.Events)
	out.fitEvents()
	assert.LessOrEqual(t, size(out), ResultBudget)
	assert.Len(t, out.Events, events, "shorter screen tails make room for the whole page")
	assert.True(t, out.Truncated)
	assert.Contains(t, out.Note, "screen tails were shortened")
	assert.Less(t, len(out.Instances[0].ScreenTail), 8)
	assert.NotEmpty(t, out.Instances[0].ScreenTail)
}

func TestFitEventsTrimsPageToBudget(t *testing.T) {
	var st executor.Status
	row := strings.Repeat("x", 1000)
	for i := 0; i < 40; i++ {
		st.Instances = append(st.Instances, executor.InstanceInfo{ID: "i", ScreenTail: []string{row}})
	}
	out := fitBudget(st, 1)
	out.EventPage = readEventPage(sourceWith(100, 100, strings.Repeat("m", 200)), 0, 100, eventMatcher{})
	require.Greater(t, size(out), ResultBudget, "the test needs a result over the budget")

	out.fitEvents()
	assert.LessOrEqual(t, size(out), ResultBudget)
	assert.GreaterOrEqual(t, len(out.Events), minPageEvents)
	assert.Equal(t, out.Events[len(out.Events)-1].Seq, *out.NextCursor)
}

func TestFitEventsKeepsMinimumPage(t *testing.T) {
	var st executor.Status
	for i := 0; i < 200; i++ {
		st.Instances = append(st.Instances, executor.InstanceInfo{ID: strings.Repeat("i", 300)})
	}
	out := fitBudget(st, 0)
	out.EventPage = readEventPage(sourceWith(100, 100, "queued"), 0, 100, eventMatcher{})

	out.fitEvents()
	assert.Len(t, out.Events, minPageEvents, "a listing over the budget still leaves a page of events")
	assert.Equal(t, int64(minPageEvents), *out.NextCursor)
	assert.True(t, out.EventsMore, "events dropped to fit the budget are still to come")
	assert.Contains(t, out.Note, "over the size budget")
}

func TestReadEventPageKeepsLevelsFromMinimum(t *testing.T) {
	source := &fakeSource{log: executor.NewMemoryLog(100)}
	for _, level := range []string{executor.LevelDebug, executor.LevelInfo, executor.LevelDebug,
		executor.LevelWarning, executor.LevelError, executor.LevelDebug} {
		source.publish(executor.Event{Kind: executor.EventScore, Level: level})
	}

	info := readEventPage(source, 0, 100, eventMatcher{minRank: levelRank(executor.LevelInfo)})
	warning := readEventPage(source, 0, 100, eventMatcher{minRank: levelRank(executor.LevelWarning)})
	every := readEventPage(source, 0, 100, eventMatcher{})

	assert.Equal(t, []int64{2, 4, 5}, seqs(info.Events), "score updates at debug are left out")
	assert.Equal(t, []int64{4, 5}, seqs(warning.Events))
	assert.Len(t, every.Events, 6)
	assert.Equal(t, int64(6), *info.NextCursor, "the cursor moves past the events left out")
	assert.False(t, info.EventsMore)
}

func seqs(events []EventData) []int64 {
	out := make([]int64, len(events))
	for i, ev := range events {
		out[i] = ev.Seq
	}
	return out
}
