// Package screen renders the terminal output of one agent instance into a
// screen of plain-text rows, off the PTY read path.
//
// The VT emulator (github.com/charmbracelet/x/vt v0.1.0) renders only a few
// MB/s, far slower than an agent can flood its terminal. Write therefore only
// queues bytes, and Run feeds them to the emulator on its own goroutine. When
// the queue overflows, the oldest bytes are skipped because the screen can
// no longer show them anyway. When the emulator falls far behind, Run skips
// to the newest bytes that fill the screen, so the screen shows the end of a
// flood soon after it ends.
package screen

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/x/vt"
)

const (
	defaultCols       = 120
	defaultRows       = 40
	defaultMaxPending = 4 << 20
	minScrollback     = 1
)

// ErrClosed is returned by Write and Flush after Close.
var ErrClosed = errors.New("screen is closed")

// Options configures a Screen.
type Options struct {
	// Cols and Rows are the terminal size in cells. Zero means 120 x 40.
	Cols, Rows int
	// MaxPending is the maximum number of bytes queued for rendering. Zero
	// means 4 MiB. Write drops the oldest queued bytes beyond it.
	MaxPending int
	// Replies receives the emulator's replies to terminal queries such as a
	// cursor position request. The instance writes them to the PTY. Replies is
	// called on a goroutine that Run owns, and rendering stalls while it
	// blocks. Nil discards the replies.
	Replies func([]byte)
}

// Stats contains the byte counters of a Screen.
type Stats struct {
	// Rendered is the number of bytes fed to the emulator.
	Rendered int64
	// Skipped is the number of bytes dropped from the queue unrendered.
	Skipped int64
}

// Screen is the rendered terminal screen of one agent instance. Its methods
// are safe for concurrent use.
type Screen struct {
	replies   func([]byte)
	replyPipe io.Closer // the write end of the emulator's reply pipe

	filter oscFilter // used only by the goroutine running Run

	rows      int // screen height, for the catch-up
	maxTail   int // bytes a catch-up keeps at most
	catchUpAt int // backlog in bytes beyond which Run catches up

	renderMu sync.Mutex   // guards emu and final
	emu      *vt.Emulator // nil after Close
	final    []string     // the rows when Close released emu
	title    atomic.Pointer[string]

	mu       sync.Mutex // guards the fields below
	pending  pendingBuffer
	gap      bool  // bytes were dropped at the head of pending since the last Take
	queued   int64 // bytes accepted by Write
	stats    Stats
	progress chan struct{} // closed and replaced when rendered or skipped grows
	runDone  chan struct{} // set when Run starts and closed when it returns
	// lastWrite is when Write last queued bytes.
	lastWrite time.Time

	wake      chan struct{} // contains one token when Write has queued bytes
	closed    chan struct{}
	closeOnce sync.Once
}

// New returns a Screen with the given options. Rendering starts when the
// caller runs Run.
func New(opts Options) *Screen {
	cols, rows := opts.Cols, opts.Rows
	if cols <= 0 || rows <= 0 {
		cols, rows = defaultCols, defaultRows
	}
	maxPending := opts.MaxPending
	if maxPending <= 0 {
		maxPending = defaultMaxPending
	}
	emu := vt.NewEmulator(cols, rows)
	// The screen shows only the visible rows. vt v0.1.0 keeps 10,000 rows
	// of scrollback by default, which a flooding agent fills quickly (a
	// 50 MB burst took the server to about 300 MiB of RSS), and 1 is the
	// smallest size it accepts.
	emu.SetScrollbackSize(minScrollback)
	replyPipe, ok := emu.InputPipe().(io.Closer)
	if !ok {
		// vt v0.1.0 returns an *io.PipeWriter. Without a way to close it the
		// reply goroutine could never stop.
		panic("screen: vt.Emulator.InputPipe is not an io.Closer; adapt pkg/screen to this vt version")
	}
	maxTail := tailBytesPerCell * cols * rows
	s := &Screen{
		replies:   opts.Replies,
		replyPipe: replyPipe,
		rows:      rows,
		maxTail:   maxTail,
		catchUpAt: max(catchUpMin, maxTail),
		emu:       emu,
		pending:   pendingBuffer{max: maxPending},
		progress:  make(chan struct{}),
		wake:      make(chan struct{}, 1),
		closed:    make(chan struct{}),
	}
	s.filter.setTitle = s.setTitle
	return s
}

// Write queues a copy of p for rendering and never blocks on the emulator.
// When the queue would exceed MaxPending, the oldest queued bytes are dropped
// and counted in Stats().Skipped. Write returns ErrClosed after Close.
func (s *Screen) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.isClosed() {
		return 0, fmt.Errorf("write %d bytes to screen: %w", len(p), ErrClosed)
	}
	dropped := s.pending.Append(p)
	s.queued += int64(len(p))
	s.lastWrite = time.Now()
	if dropped > 0 {
		s.stats.Skipped += int64(dropped)
		s.gap = true
		s.signalProgressLocked()
	}
	select {
	case s.wake <- struct{}{}:
	default:
	}
	return len(p), nil
}

// Flush blocks until every byte queued before the call has been rendered or
// skipped. It returns an error when ctx is done first or the screen is
// closed first. Flush waits for Run, so it blocks until ctx is done when Run
// is not running.
func (s *Screen) Flush(ctx context.Context) error {
	s.mu.Lock()
	target := s.queued
	s.mu.Unlock()
	for {
		s.mu.Lock()
		done := s.stats.Rendered + s.stats.Skipped
		progress := s.progress
		s.mu.Unlock()
		if done >= target {
			return nil
		}
		select {
		case <-progress:
		case <-s.closed:
			return fmt.Errorf("flush screen with %d bytes unrendered: %w", target-done, ErrClosed)
		case <-ctx.Done():
			return fmt.Errorf("flush screen with %d bytes unrendered: %w", target-done, ctx.Err())
		}
	}
}

// Title returns the last window title set by OSC 0 or OSC 2, or "" if none.
func (s *Screen) Title() string {
	if t := s.title.Load(); t != nil {
		return *t
	}
	return ""
}

// Stats returns the byte counters.
func (s *Screen) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// Close stops Run, waits until it has returned and releases the emulator
// and the queue. Lines, Tail and Title keep returning the last screen. Close
// is idempotent.
func (s *Screen) Close() error {
	s.closeOnce.Do(func() { close(s.closed) })
	s.mu.Lock()
	runDone := s.runDone
	// Write rejects bytes after close, so the queue stays empty.
	s.pending = pendingBuffer{max: s.pending.max}
	s.mu.Unlock()
	if runDone != nil {
		<-runDone
	}
	s.renderMu.Lock()
	defer s.renderMu.Unlock()
	if s.emu == nil {
		return nil
	}
	// The pool keeps the screen of every ended instance for status, and
	// the emulator of vt v0.1.0 holds about 5 MiB: a 4 MiB parser buffer
	// and the cell buffers. Only the rows are kept.
	s.final = s.linesLocked()
	err := s.emu.Close()
	s.emu = nil
	if err != nil {
		return fmt.Errorf("close terminal emulator: %w", err)
	}
	return nil
}

func (s *Screen) setTitle(title string) {
	s.title.Store(&title)
}

func (s *Screen) isClosed() bool {
	select {
	case <-s.closed:
		return true
	default:
		return false
	}
}

// signalProgressLocked wakes every Flush waiting for progress. The caller
// holds s.mu.
func (s *Screen) signalProgressLocked() {
	close(s.progress)
	s.progress = make(chan struct{})
}
