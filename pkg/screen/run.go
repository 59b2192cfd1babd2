package screen

import (
	"bytes"
	"context"
	"time"
)

// chunkSize bounds the bytes fed to the emulator per call, which bounds how
// long Lines waits for the render lock (about 8 ms at 2 MB/s).
const chunkSize = 16 << 10

// gapKind is whether and why bytes were skipped before a chunk.
type gapKind int

const (
	noGap       gapKind = iota
	gapDropped          // Write dropped the oldest queued bytes because the queue was full
	gapCaughtUp         // the renderer kept only the newest tail of a large backlog
)

// prefix returns the bytes fed to the emulator before the bytes after the
// gap. CAN (0x18) returns the parser to its ground state, so that a
// sequence cut short by the gap does not swallow the bytes after it. After
// dropped bytes, the column the next bytes start at is unknown. CR starts
// them at the left edge, so a line rewritten with CR, such as a progress
// line, overwrites the cut-off piece instead of leaving it beside the line.
// A caught-up tail is the newest screenful of output, so ED 2
// (erase display) and CUP (cursor home) draw it on an empty screen. No older
// rows then show between its lines, and its first rows need no scrolling,
// the slowest work of the emulator.
func (g gapKind) prefix() []byte {
	switch g {
	case gapDropped:
		return []byte("\x18\r")
	case gapCaughtUp:
		return []byte("\x18\x1b[2J\x1b[H")
	}
	return nil
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
		if info.gap == gapCaughtUp {
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
		s.render(chunk[:info.n], info.gap)
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
	n   int     // bytes moved into the chunk
	gap gapKind // bytes skipped right before them
}

// takeChunk moves the oldest queued bytes into chunk, after cutting a large
// backlog to its newest bytes.
func (s *Screen) takeChunk(chunk []byte) takenChunk {
	s.mu.Lock()
	defer s.mu.Unlock()
	var info takenChunk
	switch {
	case s.behindLocked():
		s.catchUpLocked()
		info.gap = gapCaughtUp
	case s.gap:
		info.gap = gapDropped
	}
	s.gap = false
	info.n = s.pending.Take(chunk)
	return info
}

// render feeds p to the emulator, after the bytes that prepare it for a gap
// before p.
func (s *Screen) render(p []byte, g gapKind) {
	if g != noGap {
		s.filter.Reset()
	}
	filtered := s.filter.Filter(p)
	s.renderMu.Lock()
	// Emulator.Write fails only after Close, and Close waits for Run.
	if g != noGap {
		_, _ = s.emu.Write(g.prefix())
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
