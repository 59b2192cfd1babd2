package tools

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"sync"
	"time"
)

// progressWriteWait bounds how long a tool call holds its response for its
// last progress notification to be written. The stdio transport writes a
// queued notification as soon as its writer goroutine runs, so only a
// client that stops reading makes the wait last.
const progressWriteWait = 2 * time.Second

// progressLedger records the progress notifications that the stdio
// transport has written, for the tokens of calls in flight. mcp-go v1.6.0
// queues notifications for a goroutine of its own to write, while a
// call's response is written by the call's goroutine, so a response can
// reach the client before the call's last progress notification. A client
// may then take that notification for a protocol error.
type progressLedger struct {
	mu sync.Mutex
	// enabled is set once WatchOutput wraps a transport's output. Without
	// it nothing is recorded and no call waits.
	enabled bool
	// written maps the JSON of each tracked token to the highest progress
	// written with it so far, or -1 before the first.
	written map[string]float64
	// changed is closed and replaced whenever written changes.
	changed chan struct{}
}

func newProgressLedger() *progressLedger {
	return &progressLedger{written: make(map[string]float64), changed: make(chan struct{})}
}

// WatchOutput wraps the output of the stdio transport so that tool calls can
// hold their responses until their own progress notifications are written.
// Serve the stdio transport on the returned writer. Streamable HTTP needs no
// wrapper, because mcp-go writes a request's notifications to its stream
// before the response.
func (s *Server) WatchOutput(w io.Writer) io.Writer {
	s.progress.mu.Lock()
	s.progress.enabled = true
	s.progress.mu.Unlock()
	return &watchedWriter{w: w, ledger: s.progress}
}

// watchedWriter passes every write through and records the progress
// notifications among them. mcp-go writes each message in one Write call.
type watchedWriter struct {
	w      io.Writer
	ledger *progressLedger
}

func (ww *watchedWriter) Write(p []byte) (int, error) {
	n, err := ww.w.Write(p)
	if err == nil {
		ww.ledger.observe(p)
	}
	return n, err
}

// progressMessage contains the fields of a progress notification that the
// ledger reads.
type progressMessage struct {
	Method string `json:"method"`
	Params struct {
		ProgressToken json.RawMessage `json:"progressToken"`
		Progress      float64         `json:"progress"`
	} `json:"params"`
}

// observe records p when it is a progress notification for a tracked token.
func (l *progressLedger) observe(p []byte) {
	if !bytes.Contains(p, []byte(`"notifications/progress"`)) {
		return
	}
	var msg progressMessage
	if json.Unmarshal(bytes.TrimSpace(p), &msg) != nil || msg.Method != "notifications/progress" {
		return
	}
	var key bytes.Buffer
	if json.Compact(&key, msg.Params.ProgressToken) != nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	last, tracked := l.written[key.String()]
	if !tracked || msg.Params.Progress <= last {
		return
	}
	l.written[key.String()] = msg.Params.Progress
	close(l.changed)
	l.changed = make(chan struct{})
}

// track starts recording the notifications of token key.
func (l *progressLedger) track(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.written[key] = -1
}

// forget stops recording the notifications of token key.
func (l *progressLedger) forget(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.written, key)
}

// awaitWritten waits until a notification of token key with at least
// progress is written, ctx ends or progressWriteWait passes. It reports
// whether the notification was seen, and returns true at once when no
// transport output is watched.
func (l *progressLedger) awaitWritten(ctx context.Context, key string, progress float64) bool {
	timer := time.NewTimer(progressWriteWait)
	defer timer.Stop()
	for {
		l.mu.Lock()
		enabled, written, changed := l.enabled, l.written[key], l.changed
		l.mu.Unlock()
		if !enabled || written >= progress {
			return true
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return false
		case <-timer.C:
			return false
		}
	}
}
