package screen

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// replyWait bounds the wait for one reply. Replies arrive within
// milliseconds, so reaching it means no reply came.
const replyWait = 5 * time.Second

// nextReply returns the next reply from replies, failing the test when none
// arrives within replyWait.
func nextReply(t *testing.T, replies <-chan []byte) string {
	t.Helper()
	select {
	case reply := <-replies:
		return string(reply)
	case <-time.After(replyWait):
		t.Fatalf("no reply within %v", replyWait)
		return ""
	}
}

// TestScreenQueryReplies records the replies of charmbracelet/x/vt v0.1.0
// to the queries that agent CLIs send. Claude Code 2.1.197 sends DA1,
// XTVERSION and DECRQM 2026 and carries on without replies. Other CLIs send
// a cursor position request.
func TestScreenQueryReplies(t *testing.T) {
	cases := []struct {
		name  string
		query string
		reply string
	}{
		{"cursor position report", "abc\x1b[6n", "\x1b[1;4R"},
		{"cursor position after moves", "\x1b[5;17H\x1b[6n", "\x1b[5;17R"},
		{"primary device attributes", "\x1b[c", "\x1b[?62;1;6;22c"},
		{"secondary device attributes", "\x1b[>c", "\x1b[>1;10;0c"},
		// NOTE: the request is the ANSI form CSI 5 n, but vt v0.1.0 replies
		// in the DEC form CSI ? 0 n (ansi.DECStatusReport). A program that
		// expects CSI 0 n may not recognise it.
		{"operating status", "\x1b[5n", "\x1b[?0n"},
		{"synchronized output mode", "\x1b[?2026$p", "\x1b[?2026;0$y"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			replies := make(chan []byte, 16)
			s := startScreen(t, Options{Replies: func(p []byte) { replies <- p }})

			writeAll(t, s, []byte(tc.query))

			assert.Equal(t, tc.reply, nextReply(t, replies))
		})
	}
}

func TestScreenXTVersionHasNoReply(t *testing.T) {
	replies := make(chan []byte, 16)
	s := startScreen(t, Options{Replies: func(p []byte) { replies <- p }})

	// The cursor position request after XTVERSION shows that the emulator
	// went on: its reply must be the first one.
	writeAll(t, s, []byte("\x1b[>0q\x1b[6n"))
	flush(t, s)

	require.Equal(t, "\x1b[1;1R", nextReply(t, replies))
	assert.Empty(t, replies)
}

func TestScreenRepliesInQueryOrder(t *testing.T) {
	replies := make(chan []byte, 16)
	s := startScreen(t, Options{Replies: func(p []byte) { replies <- p }})

	// Claude Code's startup queries, then a cursor position request.
	writeAll(t, s, []byte("\x1b[>0q\x1b[c\x1b[?2026$p\x1b[6n"))

	assert.Equal(t, "\x1b[?62;1;6;22c", nextReply(t, replies))
	assert.Equal(t, "\x1b[?2026;0$y", nextReply(t, replies))
	assert.Equal(t, "\x1b[1;1R", nextReply(t, replies))
}
