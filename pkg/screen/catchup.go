package screen

import (
	"bytes"
	"context"
	"time"
)

// Catching up with a flood. An agent can write to its terminal far faster
// than the emulator renders, and the screen shows only the newest rows of
// what it wrote. So once the renderer falls behind by more than a terminal
// UI writes at once, it skips to the newest bytes that fill the screen.
// While the flood lasts it does so at most five times a second, which leaves
// the CPU to the agent and the PTY reader.
const (
	// catchUpMin is the least backlog, in bytes, at which the renderer
	// skips ahead. Claude Code 2.1.197 wrote at most 2,061 bytes at once
	// in the session timed in testdata/session-timing.txt, so only a flood
	// queues this much.
	catchUpMin = 64 << 10
	// tailBytesPerCell sizes the newest bytes kept at a catch-up: this many
	// bytes per cell of the screen, room for a screen of text with a colour
	// change or two on each row. Every kept byte costs rendering time while
	// the agent floods.
	tailBytesPerCell = 2
	// floodRefresh is the least time between two catch-ups, so a flooding
	// agent's screen is redrawn about five times a second.
	floodRefresh = 200 * time.Millisecond
	// quietGap is how long the output must pause for a flood to count as
	// over. The renderer then catches up at once instead of waiting for
	// floodRefresh, so the screen shows the end of the flood quickly.
	quietGap = 5 * time.Millisecond
)

// tailStart returns the index in queued of the oldest byte a catch-up
// keeps. When the last maxTail bytes contain at least rows line feeds, the
// kept bytes start right after the rows-th line feed from the end: the
// lines that fill a screen of rows rows. Otherwise they are the last
// maxTail bytes, which start at an unknown column.
func tailStart(queued []byte, rows, maxTail int) int {
	start := max(0, len(queued)-maxTail)
	window := queued[start:]
	end := len(window)
	for range rows {
		lf := bytes.LastIndexByte(window[:end], '\n')
		if lf < 0 {
			return start
		}
		end = lf
	}
	return start + end + 1
}

// behindLocked reports whether the backlog is large enough for a catch-up.
// The caller holds s.mu.
func (s *Screen) behindLocked() bool {
	return s.pending.Len() > s.catchUpAt
}

// catchUpLocked drops the queued bytes older than the newest tail. The
// caller holds s.mu and has checked behindLocked.
func (s *Screen) catchUpLocked() {
	start := tailStart(s.pending.Queued(), s.rows, s.maxTail)
	s.pending.Discard(start)
	s.stats.Skipped += int64(start)
	s.signalProgressLocked()
}

// waitForRefresh waits, when the renderer is behind, until floodRefresh
// has passed since the last catch-up or the output has paused for
// quietGap, whichever comes first. It returns early when ctx ends or the
// screen is closed.
func (s *Screen) waitForRefresh(ctx context.Context, lastCatchUp time.Time) {
	deadline := lastCatchUp.Add(floodRefresh)
	timer := time.NewTimer(quietGap)
	defer timer.Stop()
	for {
		s.mu.Lock()
		behind, lastWrite := s.behindLocked(), s.lastWrite
		s.mu.Unlock()
		now := time.Now()
		if !behind || !now.Before(deadline) || now.Sub(lastWrite) >= quietGap {
			return
		}
		timer.Reset(min(quietGap, deadline.Sub(now)))
		select {
		case <-timer.C:
		case <-ctx.Done():
			return
		case <-s.closed:
			return
		}
	}
}
