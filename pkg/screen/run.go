package screen

import (
	"bytes"
	"context"
)

// chunkSize bounds the bytes fed to the emulator per call, which bounds how
// long Lines waits for the render lock (about 8 ms at 2 MB/s).
const chunkSize = 16 << 10

// cancelByte is CAN (0x18). It returns the emulator's parser to its ground
// state, so that a sequence cut short by skipped bytes does not swallow the
// bytes after the gap.
const cancelByte = 0x18

// Run feeds queued bytes to the emulator until ctx is done or Close is
// called. The caller owns the goroutine that calls Run. Run starts and stops
// the goroutine that forwards the emulator's replies to Options.Replies. Run
// renders at most once per Screen: a second call returns at once.
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
	for ctx.Err() == nil && !s.isClosed() {
		n, gap := s.takeChunk(chunk)
		if n == 0 {
			select {
			case <-s.wake:
			case <-s.closed:
			case <-ctx.Done():
			}
			continue
		}
		s.render(chunk[:n], gap)
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

// takeChunk moves the oldest queued bytes into chunk. It also reports
// whether bytes were dropped just before them.
func (s *Screen) takeChunk(chunk []byte) (int, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	gap := s.gap
	s.gap = false
	return s.pending.Take(chunk), gap
}

func (s *Screen) render(p []byte, afterGap bool) {
	if afterGap {
		s.filter.Reset()
	}
	filtered := s.filter.Filter(p)
	s.renderMu.Lock()
	// Emulator.Write fails only after Close, and Close waits for Run.
	if afterGap {
		_, _ = s.emu.Write([]byte{cancelByte})
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
