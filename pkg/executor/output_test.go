package executor

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTranscriptReadRangeBeforeWrap(t *testing.T) {
	tr := newTranscript(8)
	_, _ = tr.Write([]byte("abcde"))

	data, start, oldest, total := tr.readRange(1, 3)

	assert.Equal(t, "bcd", string(data))
	assert.Equal(t, int64(1), start)
	assert.Equal(t, int64(0), oldest)
	assert.Equal(t, int64(5), total)
}

func TestTranscriptReadRangeAfterWrap(t *testing.T) {
	tr := newTranscript(8)
	_, _ = tr.Write([]byte("abcdef"))
	_, _ = tr.Write([]byte("ghij")) // drops "ab" and wraps

	cases := []struct {
		name      string
		offset    int64
		limit     int
		want      string
		wantStart int64
	}{
		{name: "dropped start", offset: 0, limit: 100, want: "cdefghij", wantStart: 2},
		{name: "across the wrap", offset: 5, limit: 4, want: "fghi", wantStart: 5},
		{name: "at the end", offset: 10, limit: 4, want: "", wantStart: 10},
		{name: "past the end", offset: 99, limit: 4, want: "", wantStart: 10},
		{name: "zero limit", offset: 3, limit: 0, want: "", wantStart: 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			data, start, oldest, total := tr.readRange(tc.offset, tc.limit)

			assert.Equal(t, tc.want, string(data))
			assert.Equal(t, tc.wantStart, start)
			assert.Equal(t, int64(2), oldest)
			assert.Equal(t, int64(10), total)
		})
	}
}

func TestTextLogKeepsPlainText(t *testing.T) {
	log := newTextLog(1024)
	_, _ = log.Write([]byte("\x1b[1mbold\x1b"))
	_, _ = log.Write([]byte("[0m text\r\n"))

	data, _, _, total := log.ring.readRange(0, 100)

	assert.Equal(t, "bold text\n", string(data))
	assert.Equal(t, int64(10), total)
}

func TestPoolTranscriptText(t *testing.T) {
	pool := startPool(t, Options{}, `/bin/sh -c 'printf "\033[1mhello\033[0m\r\nworld\r\n"; sleep 30'`)
	info := submitOne(t, pool, TaskSpec{Prompt: "print"})
	inst := waitInstance(t, pool, info.ID)

	var window TextWindow
	require.Eventually(t, func() bool {
		var err error
		window, err = pool.TranscriptText(inst.ID, 0, 100)
		require.NoError(t, err)
		return window.Total >= int64(len("hello\nworld\n"))
	}, 10*time.Second, 20*time.Millisecond)

	assert.Equal(t, "hello\nworld\n", string(window.Text))
	assert.Equal(t, int64(0), window.Start)
	assert.Equal(t, info.ID, window.TaskID)
	assert.Equal(t, "working", window.State)
	tail, err := pool.TranscriptTail(inst.ID, 6)
	require.NoError(t, err)
	assert.Equal(t, "world\n", string(tail.Text))
	assert.Equal(t, int64(6), tail.Start)
}

func TestPoolTranscriptKeepsTail(t *testing.T) {
	pool := startPool(t, Options{TranscriptBytes: 1024},
		`/bin/sh -c 'for i in $(seq 1 300); do echo "line $i"; done; sleep 30'`)
	info := submitOne(t, pool, TaskSpec{Prompt: "print"})
	inst := waitInstance(t, pool, info.ID)

	var window TextWindow
	require.Eventually(t, func() bool {
		var err error
		window, err = pool.TranscriptText(inst.ID, 0, 4096)
		require.NoError(t, err)
		return strings.HasSuffix(string(window.Text), "line 300\n")
	}, 10*time.Second, 20*time.Millisecond)

	assert.Greater(t, window.Oldest, int64(0), "the start was dropped")
	assert.Equal(t, window.Oldest, window.Start, "reading from 0 starts at the oldest kept byte")
	assert.Len(t, window.Text, 1024)
	assert.Equal(t, window.Total, window.Start+int64(len(window.Text)))
}

func TestPoolScreen(t *testing.T) {
	pool := startPool(t, Options{}, `/bin/sh -c 'printf "first\r\n\033[31msecond\033[0m\r\n"; sleep 30'`)
	info := submitOne(t, pool, TaskSpec{Prompt: "print"})
	inst := waitInstance(t, pool, info.ID)

	var view ScreenView
	require.Eventually(t, func() bool {
		var err error
		view, err = pool.Screen(inst.ID)
		require.NoError(t, err)
		return len(view.Lines) >= 2
	}, 10*time.Second, 20*time.Millisecond)

	assert.Equal(t, []string{"first", "second"}, view.Lines)
	assert.Equal(t, info.ID, view.TaskID)
}

func TestPoolOutputUnknownInstance(t *testing.T) {
	pool := startPool(t, Options{}, "/bin/true")

	_, screenErr := pool.Screen("i-nope")
	_, textErr := pool.TranscriptText("i-nope", 0, 10)
	_, tailErr := pool.TranscriptTail("i-nope", 10)

	assert.True(t, errors.Is(screenErr, ErrInstanceNotFound))
	assert.True(t, errors.Is(textErr, ErrInstanceNotFound))
	assert.True(t, errors.Is(tailErr, ErrInstanceNotFound))
	assert.ErrorContains(t, textErr, `"i-nope"`)
}

func TestPoolTaskByIDAndName(t *testing.T) {
	pool := startPool(t, Options{}, "/bin/sh -c 'sleep 30'")
	info := submitOne(t, pool, TaskSpec{Prompt: "wait", Name: "waiter"})

	byID, err := pool.Task(info.ID)
	require.NoError(t, err)
	byName, err := pool.Task("waiter")
	require.NoError(t, err)
	_, unknown := pool.Task("nobody")

	assert.Equal(t, info.ID, byID.ID)
	assert.Equal(t, info.ID, byName.ID)
	assert.True(t, errors.Is(unknown, ErrTaskNotFound))
	assert.ErrorContains(t, unknown, `"nobody"`)
}
