package mockmodel

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"
	"go.uber.org/zap/zaptest/observer"
)

// openResponse sends body to /v1/messages with ctx and returns the response
// once its headers arrive. The caller reads and closes the body.
func openResponse(ctx context.Context, t *testing.T, baseURL string, body any) *http.Response {
	t.Helper()
	data, err := json.Marshal(body)
	require.NoError(t, err)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, baseURL+"/v1/messages", bytes.NewReader(data))
	require.NoError(t, err)
	req.Header.Set("content-type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// postGuarded sends body like postMessages, but fails after 10 seconds
// instead of hanging when the server stalls by mistake.
func postGuarded(t *testing.T, baseURL string, body any) (*http.Response, []byte) {
	t.Helper()
	data, err := json.Marshal(body)
	require.NoError(t, err)
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Post(baseURL+"/v1/messages", "application/json", bytes.NewReader(data))
	require.NoError(t, err, "the server did not finish the response")
	defer resp.Body.Close()
	respBody, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, respBody
}

// startObservedServer serves a new Server whose log entries the test reads.
func startObservedServer(t *testing.T) (*observer.ObservedLogs, *httptest.Server) {
	t.Helper()
	core, logs := observer.New(zap.DebugLevel)
	httpServer := httptest.NewServer(New(zap.New(core)).Handler())
	t.Cleanup(httpServer.Close)
	return logs, httpServer
}

// incompleteReason waits for the log entry of a response that did not
// complete and returns its error text.
func incompleteReason(t *testing.T, logs *observer.ObservedLogs) string {
	t.Helper()
	var reason string
	require.Eventually(t, func() bool {
		entries := logs.FilterMessage("mockmodel: response not completed").All()
		if len(entries) == 0 {
			return false
		}
		reason = fmt.Sprint(entries[0].ContextMap()["error"])
		return true
	}, 5*time.Second, 10*time.Millisecond)
	return reason
}

// nextEvent reads one server-sent event from r.
func nextEvent(r *bufio.Reader) (sseEvent, error) {
	var event sseEvent
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return event, fmt.Errorf("read event line: %w", err)
		}
		line = strings.TrimSuffix(line, "\n")
		switch {
		case strings.HasPrefix(line, "event: "):
			event.name = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &event.data); err != nil {
				return event, fmt.Errorf("parse data line %q: %w", line, err)
			}
		case line == "":
			return event, nil
		}
	}
}

// readEventNames reads count events from r and returns their names.
func readEventNames(t *testing.T, r *bufio.Reader, count int) ([]string, []sseEvent) {
	t.Helper()
	var names []string
	var events []sseEvent
	for range count {
		event, err := nextEvent(r)
		require.NoError(t, err)
		names = append(names, event.name)
		events = append(events, event)
	}
	return names, events
}

// stallThenCancel opens a streamed request for prompt, reads the three events
// of a stall, cancels the request and returns the events.
func stallThenCancel(t *testing.T, baseURL, prompt string) []sseEvent {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	resp := openResponse(ctx, t, baseURL, mainRequest(true, promptMessage(prompt)))
	require.Equal(t, http.StatusOK, resp.StatusCode)
	_, events := readEventNames(t, bufio.NewReader(resp.Body), 3)
	cancel()
	return events
}

func TestStallHoldsStreamOpen(t *testing.T) {
	server, httpServer := startTestServer(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()

	resp := openResponse(ctx, t, httpServer.URL, mainRequest(true, promptMessage("[[stall]] create a.txt")))
	reader := bufio.NewReader(resp.Body)
	names, events := readEventNames(t, reader, 3)
	cancel()
	_, readErr := io.ReadAll(reader)

	assert.Equal(t, []string{"message_start", "content_block_start", "content_block_delta"}, names)
	assert.Equal(t, map[string]any{"type": "text_delta", "text": stallText}, events[2].data["delta"])
	assert.ErrorIs(t, readErr, context.Canceled)
	// The server counts a response as an error only when it never completed.
	assert.Eventually(t, func() bool { return server.Stats().Errors == 1 }, 5*time.Second, 10*time.Millisecond)
	assert.Equal(t, "stall", server.Requests()[0].Decision)
}

func TestStallTimesReleases(t *testing.T) {
	server, httpServer := startTestServer(t)
	prompt := "[[stall times=2]] create a.txt"

	first := stallThenCancel(t, httpServer.URL, prompt)
	second := stallThenCancel(t, httpServer.URL, prompt)
	_, body := postGuarded(t, httpServer.URL, mainRequest(true, promptMessage(prompt)))
	events, err := readEvents(bytes.NewReader(body))
	require.NoError(t, err)
	require.NotEmpty(t, events)
	decisions := make([]string, 0, 3)
	for _, entry := range server.Requests() {
		decisions = append(decisions, entry.Decision)
	}

	assert.Equal(t, "content_block_delta", first[2].name)
	assert.Equal(t, "content_block_delta", second[2].name)
	assert.Equal(t, testWorkDir+"/a.txt", writePathFromEvents(events))
	assert.Equal(t, "message_stop", events[len(events)-1].name)
	assert.Equal(t, []string{"stall", "stall", "step 1 of 1: Write: create a.txt"}, decisions)
}

func TestStallCountsPerPrompt(t *testing.T) {
	_, httpServer := startTestServer(t)
	prompt := "[[stall times=1]] create a.txt"

	stallThenCancel(t, httpServer.URL, prompt)
	other := stallThenCancel(t, httpServer.URL, "[[stall times=1]] create b.txt")
	_, body := postGuarded(t, httpServer.URL, mainRequest(false, promptMessage(prompt)))
	msg := decodeMessage(t, body)

	assert.Equal(t, "content_block_delta", other[2].name)
	assert.Equal(t, "tool_use", msg.StopReason)
}

func TestStallNonStreamSendsHeaders(t *testing.T) {
	server, httpServer := startTestServer(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	requestErr := make(chan error, 1)

	resp := openResponse(ctx, t, httpServer.URL, mainRequest(false, promptMessage("[[stall]] create a.txt")))
	go func() {
		_, err := io.ReadAll(resp.Body)
		requestErr <- err
	}()
	cancel()

	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.ErrorIs(t, <-requestErr, context.Canceled)
	assert.Eventually(t, func() bool { return server.Stats().Errors == 1 }, 5*time.Second, 10*time.Millisecond)
}

func TestCloseEndsStall(t *testing.T) {
	server := New(zaptest.NewLogger(t))
	url, err := server.Start("127.0.0.1:0")
	require.NoError(t, err)
	resp := openResponse(t.Context(), t, url, mainRequest(true, promptMessage("[[stall]] create a.txt")))
	reader := bufio.NewReader(resp.Body)
	readEventNames(t, reader, 3)

	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	closeErr := server.Close(ctx)
	_, readErr := io.ReadAll(reader)

	assert.ErrorIs(t, closeErr, context.DeadlineExceeded)
	assert.Error(t, readErr)
}

func TestThinkSendsMessageStartFirst(t *testing.T) {
	logs, httpServer := startObservedServer(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()

	resp := openResponse(ctx, t, httpServer.URL, mainRequest(true, promptMessage("[[think seconds=30]] create a.txt")))
	first, err := nextEvent(bufio.NewReader(resp.Body))
	require.NoError(t, err)
	cancel()

	assert.Equal(t, "message_start", first.name)
	// The client left while the server was still holding back the content.
	assert.Contains(t, incompleteReason(t, logs), "think for 30s: context canceled")
}

func TestThinkThenCompleteReply(t *testing.T) {
	_, httpServer := startTestServer(t)

	resp, body := postMessages(t, httpServer.URL, mainRequest(true, promptMessage("[[think=0.2]] create a.txt")))
	events, err := readEvents(bytes.NewReader(body))
	require.NoError(t, err)
	require.Greater(t, len(events), 3)
	blocks := collectBlocks(t, events[1:len(events)-2])

	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "message_start", events[0].name)
	assert.Equal(t, "message_stop", events[len(events)-1].name)
	require.Len(t, blocks, 2)
	assert.Equal(t, "Write", blocks[1].start["name"])
}

func TestThinkNonStreamSendsHeaders(t *testing.T) {
	logs, httpServer := startObservedServer(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()

	resp := openResponse(ctx, t, httpServer.URL, mainRequest(false, promptMessage("[[think=30]] create a.txt")))
	cancel()

	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "application/json", resp.Header.Get("content-type"))
	assert.Contains(t, incompleteReason(t, logs), "think for 30s: context canceled")
}

func TestThinkNonStreamCompletes(t *testing.T) {
	_, httpServer := startTestServer(t)

	resp, body := postMessages(t, httpServer.URL, mainRequest(false, promptMessage("[[think=0.1]] create a.txt")))
	msg := decodeMessage(t, body)

	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "tool_use", msg.StopReason)
}
