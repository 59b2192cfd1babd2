package screen

import (
	"bytes"
	"context"
	"time"
)

// chunkSize bounds the bytes fed to the emulator per call, which bounds how
// long Lines waits for the render lock (about 8 ms at 2 MB/s).
const chunkSize = 16 << 10

// gapPrefix returns the bytes fed to the emulator before the bytes after a
// gap. CAN (0x18) returns the parser to its ground state, so that a
// sequence cut short by the gap does not swallow the bytes after it. When
// those bytes start a line, a terminal that received the skipped bytes
// would have the cursor at the start of a new row, so CR LF moves it there.
// Otherwise the column they start at is unknown, and CR starts them at the
// left edge, so that a line rewritten with CR, such as a progress line,
// overwrites the cut-off piece instead of leaving it beside the line.
func gapPrefix(atLineStart bool) []byte {
	if atLineStart {
		return []byte("\x18\r\n")
	}
	return []byte("\x18\r")
}

// Run feeds queued bytes to the emulator until ctx is done or Close is
// called. When more than 64 KiB are queued, it skips all but the newest
// bytes that fill the screen, at most five times a second. The caller owns
// the goroutine that calls Run. Run starts and stops the goroutine that
// forwards the emulator's replies to Options.Replies. Run renders at most
// once per Screen: a second call returns at once.
func (s *Screen) Run(ctx context.Context) {
	runDone, ok := s.startRun()
	if !ok {
		return
	}
	defer close(runDone)

	repliesDone := make(chan struct{})
	go s.forwardReplies(repliesDone)
	defer func() {
		// Closing the write end ends the reader with io.EOF. The emulator
		// ignores write errors on this pipe, so later queries are dropped.
		_ = s.replyPipe.Close()
		<-repliesDone
	}()

	chunk := make([]byte, chunkSize)
	var lastCatchUp time.Time
	for ctx.Err() == nil && !s.isClosed() {
		s.waitForRefresh(ctx, lastCatchUp)
		info := s.takeChunk(chunk)
		if info.caughtUp {
			lastCatchUp = time.Now()
		}
		if info.n == 0 {
			select {
			case <-s.wake:
			case <-s.closed:
			case <-ctx.Done():
			}
			continue
		}
		s.render(chunk[:info.n], info.gap, info.atLineStart)
	}
}

// startRun records that Run has started. It returns false when Run has
// already run or the screen is closed.
func (s *Screen) startRun() (chan struct{}, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.runDone != nil || s.isClosed() {
		return nil, false
	}
	s.runDone = make(chan struct{})
	return s.runDone, true
}

// takenChunk describes the bytes one takeChunk moved.
type takenChunk struct {
	n int // bytes moved into the chunk
	// gap is true when bytes were dropped just before them, and
	// atLineStart when, in addition, they start a line.
	gap, atLineStart bool
	caughtUp         bool // the backlog was cut to its newest bytes
}

// takeChunk moves the oldest queued bytes into chunk, after cutting a large
// backlog to its newest bytes.
func (s *Screen) takeChunk(chunk []byte) takenChunk {
	s.mu.Lock()
	defer s.mu.Unlock()
	var info takenChunk
	if s.behindLocked() {
		s.catchUpLocked()
		info.caughtUp = true
	}
	info.gap, info.atLineStart = s.gap, s.gap && s.gapAtLineStart
	s.gap, s.gapAtLineStart = false, false
	info.n = s.pending.Take(chunk)
	return info
}

// render feeds p to the emulator, after the bytes that prepare it for a gap
// when bytes were skipped before p.
func (s *Screen) render(p []byte, afterGap, atLineStart bool) {
	if afterGap {
		s.filter.Reset()
	}
	filtered := s.filter.Filter(p)
	s.renderMu.Lock()
	// Emulator.Write fails only after Close, and Close waits for Run.
	if afterGap {
		_, _ = s.emu.Write(gapPrefix(atLineStart))
	}
	_, _ = s.emu.Write(filtered)
	s.renderMu.Unlock()

	s.mu.Lock()
	s.stats.Rendered += int64(len(p))
	s.signalProgressLocked()
	s.mu.Unlock()
}

// forwardReplies drains the emulator's reply pipe until it is closed. The
// emulator writes replies synchronously inside Write, so an undrained pipe
// would block rendering.
func (s *Screen) forwardReplies(done chan<- struct{}) {
	defer close(done)
	buf := make([]byte, 1024)
	for {
		n, err := s.emu.Read(buf)
		if n > 0 && s.replies != nil {
			s.replies(bytes.Clone(buf[:n]))
		}
		if err != nil {
			return
		}
	}
}
