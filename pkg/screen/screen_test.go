package screen

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPTY07EscapeSplitAcrossReads(t *testing.T) {
	s := startScreen(t, Options{})
	writeAll(t, s, []byte("plain \x1b["))
	flush(t, s)
	writeAll(t, s, []byte("1mBold\x1b[0m\r\n"))
	flush(t, s)

	lines := s.Lines()
	require.NotEmpty(t, lines)
	assert.Equal(t, "plain Bold", lines[0])
}

func TestPTY08CarriageReturnOverwrites(t *testing.T) {
	const updates = 100000
	const perWrite = 1000
	s := startScreen(t, Options{})
	var batch strings.Builder
	written := 0
	for i := 1; i <= updates; i++ {
		fmt.Fprintf(&batch, "\rprogress %d", i)
		if i%perWrite == 0 {
			writeAll(t, s, []byte(batch.String()))
			written += batch.Len()
			batch.Reset()
		}
	}
	writeAll(t, s, []byte("\n"))
	written++
	flush(t, s)

	// The renderer may skip part of the backlog when it falls behind, but
	// the screen must end on the last update.
	assert.Equal(t, []string{"progress 100000"}, s.Tail(40))
	stats := s.Stats()
	assert.Equal(t, int64(written), stats.Rendered+stats.Skipped)
}

func TestScreenCursorMovesReadAsSpaces(t *testing.T) {
	s := startScreen(t, Options{})
	writeAll(t, s, []byte("Tips\x1b[11Gfor\x1b[15Ggetting\r\n"))
	flush(t, s)

	assert.Equal(t, []string{"Tips      for getting"}, s.Lines())
}

func TestScreenWideRunesOnce(t *testing.T) {
	s := startScreen(t, Options{})
	writeAll(t, s, []byte("日本語 ok 🎉 done\r\n│ box │\r\n"))
	flush(t, s)

	assert.Equal(t, []string{"日本語 ok 🎉 done", "│ box │"}, s.Lines())
}

func TestScreenLinesDropsTrailingEmptyRows(t *testing.T) {
	s := startScreen(t, Options{Cols: 20, Rows: 10})
	writeAll(t, s, []byte("first   \r\n\r\nthird\r\n\r\n\r\n"))
	flush(t, s)

	assert.Equal(t, []string{"first", "", "third"}, s.Lines())
}

func TestScreenTail(t *testing.T) {
	s := startScreen(t, Options{})
	writeAll(t, s, []byte("a\r\n\r\nb\r\nc\r\n"))
	flush(t, s)

	assert.Equal(t, []string{"b", "c"}, s.Tail(2))
	assert.Equal(t, []string{"a", "b", "c"}, s.Tail(10))
	assert.Empty(t, s.Tail(0))
}

func TestScreenSizeOption(t *testing.T) {
	s := startScreen(t, Options{Cols: 10, Rows: 3})
	writeAll(t, s, []byte("0123456789abc\r\nl2\r\nl3\r\nl4"))
	flush(t, s)

	// The 13 characters wrap after 10 columns, and the fifth row scrolls
	// the first two off the 3-row screen.
	assert.Equal(t, []string{"l2", "l3", "l4"}, s.Lines())
}

func TestScreenSkipsOldestWhenFull(t *testing.T) {
	const maxPending = 1 << 10
	s := New(Options{MaxPending: maxPending, Cols: 40, Rows: 5})
	defer s.Close()

	var data strings.Builder
	for i := 0; data.Len() < 10<<10; i++ {
		fmt.Fprintf(&data, "line %05d\r\n", i)
	}
	written := make(chan error, 1)
	go func() {
		// Run is not started, so a Write that waited for the emulator
		// would never return.
		for _, chunk := range strings.SplitAfter(data.String(), "\n") {
			if _, err := s.Write([]byte(chunk)); err != nil {
				written <- err
				return
			}
		}
		written <- nil
	}()
	select {
	case err := <-written:
		require.NoError(t, err)
	case <-time.After(waitLimit):
		t.Fatal("Write blocked while Run was not running")
	}

	stats := s.Stats()
	assert.Equal(t, int64(data.Len()-maxPending), stats.Skipped)
	assert.Zero(t, stats.Rendered)
}

func TestScreenCatchesUpAfterSkipping(t *testing.T) {
	const maxPending = 1 << 10
	s := New(Options{MaxPending: maxPending, Cols: 40, Rows: 5})
	defer s.Close()

	var data strings.Builder
	for i := 0; i < 1000; i++ {
		fmt.Fprintf(&data, "line %05d\r\n", i)
	}
	writeAll(t, s, []byte(data.String()))

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Run(ctx)
	}()
	defer func() {
		cancel()
		<-done
	}()
	flush(t, s)

	assert.Equal(t, int64(maxPending), s.Stats().Rendered)
	assert.Equal(t, []string{"line 00999"}, s.Tail(1))
}

func TestScreenSkipCancelsCutSequence(t *testing.T) {
	s := New(Options{MaxPending: 8, Cols: 40, Rows: 5})
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Run(ctx)
	}()
	defer func() {
		cancel()
		<-done
	}()

	// The first write leaves an OSC sequence open. The second write keeps
	// only its last 8 bytes, which the open sequence would swallow unless
	// the parser is reset at the gap.
	writeAll(t, s, []byte("\x1b]0;"))
	flush(t, s)
	writeAll(t, s, []byte("012345678visible"))
	flush(t, s)

	assert.Equal(t, []string{"8visible"}, s.Lines())
}

func TestScreenRepliesToCursorPositionRequest(t *testing.T) {
	replies := make(chan []byte, 16)
	s := startScreen(t, Options{Replies: func(p []byte) { replies <- p }})
	writeAll(t, s, []byte("abc\x1b[6n"))

	select {
	case reply := <-replies:
		assert.Regexp(t, regexp.MustCompile(`^\x1b\[\d+;\d+R$`), string(reply))
	case <-time.After(5 * time.Second):
		t.Fatal("no reply to the cursor position request within 5 s")
	}
}

func TestScreenNilRepliesDoNotBlock(t *testing.T) {
	s := startScreen(t, Options{})
	for range 100 {
		writeAll(t, s, []byte("\x1b[6n\x1b[c"))
	}
	writeAll(t, s, []byte("after queries"))
	flush(t, s)

	assert.Equal(t, []string{"after queries"}, s.Lines())
}

func TestScreenTitleFromOSC(t *testing.T) {
	s := startScreen(t, Options{})
	writeAll(t, s, []byte("\x1b]2;first\x1b\\"))
	flush(t, s)
	assert.Equal(t, "first", s.Title())

	writeAll(t, s, []byte("\x1b]0;✳ Claude Code\x07text"))
	flush(t, s)
	assert.Equal(t, "✳ Claude Code", s.Title())
	assert.Equal(t, []string{"text"}, s.Lines())
}

func TestScreenFlushWithoutRunTimesOut(t *testing.T) {
	s := New(Options{})
	defer s.Close()
	writeAll(t, s, []byte("x"))

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err := s.Flush(ctx)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestScreenFlushWithNothingQueued(t *testing.T) {
	s := New(Options{})
	defer s.Close()

	assert.NoError(t, s.Flush(context.Background()))
}

func TestScreenAfterClose(t *testing.T) {
	s := New(Options{})
	writeAll(t, s, []byte("x"))
	require.NoError(t, s.Close())
	require.NoError(t, s.Close())

	_, err := s.Write([]byte("y"))
	assert.ErrorIs(t, err, ErrClosed)
	assert.ErrorIs(t, s.Flush(context.Background()), ErrClosed)

	runReturned := make(chan struct{})
	go func() {
		s.Run(context.Background())
		close(runReturned)
	}()
	select {
	case <-runReturned:
	case <-time.After(waitLimit):
		t.Fatal("Run after Close did not return")
	}
}

func TestScreenCloseStopsGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()

	replies := make(chan []byte, 1)
	s := New(Options{Replies: func(p []byte) { replies <- p }})
	runReturned := make(chan struct{})
	go func() {
		defer close(runReturned)
		s.Run(context.Background())
	}()
	writeAll(t, s, []byte("\x1b[6n"))
	select {
	case <-replies:
	case <-time.After(5 * time.Second):
		t.Fatal("no reply to the cursor position request within 5 s")
	}
	require.NoError(t, s.Close())

	select {
	case <-runReturned:
	default:
		t.Fatal("Run was still running when Close returned")
	}
	assert.True(t, waitForGoroutines(before), "goroutines left after Close: %d, before New: %d", runtime.NumGoroutine(), before)
}

// waitForGoroutines waits until at most want goroutines run. A goroutine
// that has signalled completion may need a moment to exit.
func waitForGoroutines(want int) bool {
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > want {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
	return true
}

func TestScreenRunStopsOnContext(t *testing.T) {
	s := New(Options{})
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	runReturned := make(chan struct{})
	go func() {
		defer close(runReturned)
		s.Run(ctx)
	}()
	cancel()

	select {
	case <-runReturned:
	case <-time.After(waitLimit):
		t.Fatal("Run did not return after its context was cancelled")
	}
	_, err := s.Write([]byte("still accepted"))
	assert.False(t, errors.Is(err, ErrClosed), "Write failed after Run stopped: %v", err)
}
