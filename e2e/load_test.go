package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
	"github.com/axiom-mcp/axiom-mcp/pkg/tools"
)

// Load test shape: chatty instances that emit events, and concurrent calls.
const (
	loadInstances = 20
	loadCalls     = 100
	loadKills     = 10
	loadSpawns    = 30
)

// timedCall is one tool call of the load test and how long it took.
type timedCall struct {
	tool    string
	latency time.Duration
	result  *mcp.CallToolResult
	err     error
}

// callTimed calls a tool and measures it. It never fails the test, so it
// is safe to use from any goroutine.
func (s *server) callTimed(ctx context.Context, tool string, args any) timedCall {
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	start := time.Now()
	res, err := s.session.CallTool(ctx, &mcp.CallToolParams{Name: tool, Arguments: args})
	return timedCall{tool: tool, latency: time.Since(start), result: res, err: err}
}

func TestLoadCallsAndEvents(t *testing.T) {
	s := startServer(t, nil, "--agent", agentBin, "--max-instances", "24", "--tick", "250ms",
		"--idle-timeout", "5m", "--unproductive-after", "10m", "--log-level", "warn")
	require.NoError(t, s.session.SetLoggingLevel(t.Context(), &mcp.SetLoggingLevelParams{Level: "debug"}))
	baseline := serverFDs(t, s)

	chatty := spawnChatty(t, s)
	calls := runCallBurst(t, s, chatty[:loadKills])
	for _, call := range calls {
		if assert.NoError(t, call.err, "%s call failed", call.tool) {
			assert.False(t, call.result.IsError, "%s returned an error: %s", call.tool, text(call.result))
		}
	}
	logLatencies(t, "burst of 100 concurrent calls", calls)

	checkPendingCall(t, s, chatty[loadKills:])

	for _, call := range killAll(t, s, chatty[loadKills:]) {
		assert.NoError(t, call.err, "kill failed")
	}
	s.waitTasks(t, 90*time.Second)

	logged := readEventLog(t, s)
	checkEventsDelivered(t, s, logged)
	checkStdoutIsJSONRPC(t, s)
	checkFDsReleased(t, s, baseline)
}

// spawnChatty starts the chatty tasks and waits until each has a running
// instance, whose IDs it returns.
func spawnChatty(t *testing.T, s *server) []string {
	t.Helper()
	tasks := make([]map[string]any, loadInstances)
	for i := range tasks {
		tasks[i] = map[string]any{"prompt": "chatty", "name": fmt.Sprintf("chatty-%d", i+1)}
	}
	var spawned spawnResult
	s.callOK(t, "spawn", map[string]any{"tasks": tasks}, &spawned)
	require.Len(t, spawned.Tasks, loadInstances)
	ids := make([]string, 0, loadInstances)
	for _, task := range spawned.Tasks {
		require.NotEmpty(t, task.InstanceID, "task %s started at once", task.Name)
		ids = append(ids, task.InstanceID)
	}
	require.Eventually(t, func() bool {
		return s.status(t, map[string]any{"tail_lines": 1}).Pool.Running == loadInstances
	}, 30*time.Second, 250*time.Millisecond)
	return ids
}

// runCallBurst makes loadCalls tool calls at once: kills of the given
// instances, spawns of quick tasks, and status calls, half of them paging
// the event log.
func runCallBurst(t *testing.T, s *server, victims []string) []timedCall {
	t.Helper()
	calls := make([]timedCall, loadCalls)
	var wg sync.WaitGroup
	for i := range loadCalls {
		tool, args := burstCall(i, victims)
		wg.Add(1)
		go func() {
			defer wg.Done()
			calls[i] = s.callTimed(t.Context(), tool, args)
		}()
	}
	wg.Wait()
	return calls
}

// burstCall returns the i-th call of the burst.
func burstCall(i int, victims []string) (string, map[string]any) {
	switch {
	case i < loadKills:
		return "kill", map[string]any{"instance_id": victims[i], "reason": "load test", "requeue": false}
	case i < loadKills+loadSpawns:
		return "spawn", map[string]any{"prompt": "productive:1", "name": fmt.Sprintf("quick-%d", i)}
	case i%2 == 0:
		return "status", map[string]any{"tail_lines": 5, "events_after": 0, "events_limit": 50}
	default:
		return "status", map[string]any{"tail_lines": 5}
	}
}

// checkPendingCall checks that kill and status return within a second
// while a long call is pending. A lone status call of this test took
// about 50 ms on a 2-core machine at load average 8, so the bound leaves a
// wide margin for slow test machines.
func checkPendingCall(t *testing.T, s *server, running []string) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	pending := make(chan timedCall, 1)
	go func() {
		pending <- s.callTimed(ctx, "wait", map[string]any{"task_ids": []string{}, "timeout_seconds": 20})
	}()
	time.Sleep(500 * time.Millisecond) // let the wait call reach the server

	statusCall := s.callTimed(t.Context(), "status", map[string]any{"tail_lines": 5})
	killCall := s.callTimed(t.Context(), "kill", map[string]any{"instance_id": running[0], "requeue": false})
	require.NoError(t, statusCall.err)
	require.NoError(t, killCall.err)
	assert.Less(t, statusCall.latency, time.Second, "status answers while wait is pending")
	assert.Less(t, killCall.latency, time.Second, "kill answers while wait is pending")
	logLatencies(t, "calls while wait is pending", []timedCall{statusCall, killCall})
	select {
	case call := <-pending:
		assert.NoError(t, call.err, "the wait call answers")
	case <-time.After(30 * time.Second):
		t.Errorf("the wait call did not answer within 30 s")
	}
}

// killAll kills the given instances at once, without requeueing their
// tasks. An instance that has already ended is not an error.
func killAll(t *testing.T, s *server, instances []string) []timedCall {
	t.Helper()
	calls := make([]timedCall, len(instances))
	var wg sync.WaitGroup
	for i, id := range instances {
		wg.Add(1)
		go func() {
			defer wg.Done()
			calls[i] = s.callTimed(t.Context(), "kill", map[string]any{"instance_id": id, "requeue": false})
		}()
	}
	wg.Wait()
	return calls
}

// readEventLog pages the whole event log through status and checks that
// no event was evicted.
func readEventLog(t *testing.T, s *server) []tools.EventData {
	t.Helper()
	var events []tools.EventData
	cursor := int64(0)
	for page := 0; ; page++ {
		require.Less(t, page, 1000, "paging the event log does not end")
		st := s.status(t, map[string]any{"tail_lines": 0, "events_after": cursor, "events_limit": 500})
		require.NotNil(t, st.NextCursor)
		assert.Zero(t, st.EventsMissed, "no event was evicted")
		if len(st.Events) == 0 {
			break
		}
		events = append(events, st.Events...)
		cursor = *st.NextCursor
	}
	require.NotEmpty(t, events)
	for i, ev := range events {
		require.Equal(t, int64(i+1), ev.Seq, "the event log pages without gaps")
	}
	return events
}

// notifiedSeqs returns the seq of every event notification received, by
// kind.
func (s *server) notifiedSeqs() map[int64]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	seqs := make(map[int64]string)
	for _, msg := range s.logs {
		data, ok := msg.Data.(map[string]any)
		if !ok {
			continue
		}
		seq, _ := data["seq"].(float64)
		kind, _ := data["kind"].(string)
		seqs[int64(seq)] = kind
	}
	return seqs
}

// checkEventsDelivered checks that the client received every logged event
// as a notification, except score updates, which are coalesced.
func checkEventsDelivered(t *testing.T, s *server, logged []tools.EventData) {
	t.Helper()
	var must []int64
	terminal, scores := 0, 0
	for _, ev := range logged {
		if ev.Kind == executor.EventScore {
			scores++
			continue
		}
		must = append(must, ev.Seq)
		if (executor.Event{Kind: ev.Kind}).Terminal() {
			terminal++
		}
	}
	var missing []int64
	deadline := time.Now().Add(15 * time.Second)
	for {
		received := s.notifiedSeqs()
		missing = missing[:0]
		for _, seq := range must {
			if _, ok := received[seq]; !ok {
				missing = append(missing, seq)
			}
		}
		if len(missing) == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	assert.Empty(t, missing, "events logged but never notified")

	received := s.notifiedSeqs()
	notifiedScores := 0
	for _, kind := range received {
		if kind == executor.EventScore {
			notifiedScores++
		}
	}
	assert.LessOrEqual(t, notifiedScores, scores, "score updates are coalesced, never multiplied")
	waits := strings.Count(s.stderr.String(), "notification waits for the session")
	t.Logf("event log: %d events, %d terminal, %d score updates; notifications: %d, of them %d score updates; "+
		"the server waited %d times for a full session channel", len(logged), terminal, scores, len(received),
		notifiedScores, waits)
}

// checkStdoutIsJSONRPC checks that every line the server wrote to stdout
// is a JSON-RPC 2.0 message.
func checkStdoutIsJSONRPC(t *testing.T, s *server) {
	t.Helper()
	s.mu.Lock()
	lines := slices.Clone(s.lines)
	s.mu.Unlock()
	require.NotEmpty(t, lines)
	bad := 0
	for i, line := range lines {
		var msg map[string]json.RawMessage
		if err := json.Unmarshal([]byte(line), &msg); err != nil {
			bad++
			t.Errorf("stdout line %d is not JSON: %v: %.200s", i+1, err, line)
			continue
		}
		_, hasMethod := msg["method"]
		_, hasID := msg["id"]
		if string(msg["jsonrpc"]) != `"2.0"` || !(hasMethod || hasID) {
			bad++
			t.Errorf("stdout line %d is not a JSON-RPC 2.0 message: %.200s", i+1, line)
		}
	}
	t.Logf("stdout: %d lines, %d not JSON-RPC", len(lines), bad)
}

// logLatencies logs the median, 95th percentile and maximum latency of
// each tool. They are measurements, not assertions.
func logLatencies(t *testing.T, label string, calls []timedCall) {
	t.Helper()
	byTool := make(map[string][]time.Duration)
	for _, call := range calls {
		byTool[call.tool] = append(byTool[call.tool], call.latency)
	}
	var parts []string
	for tool, latencies := range byTool {
		sort.Slice(latencies, func(a, b int) bool { return latencies[a] < latencies[b] })
		p95 := latencies[(len(latencies)*95-1)/100]
		parts = append(parts, fmt.Sprintf("%s n=%d p50=%s p95=%s max=%s", tool, len(latencies),
			latencies[len(latencies)/2].Round(time.Millisecond), p95.Round(time.Millisecond),
			latencies[len(latencies)-1].Round(time.Millisecond)))
	}
	sort.Strings(parts)
	t.Logf("latency, %s: %s", label, strings.Join(parts, "; "))
}
