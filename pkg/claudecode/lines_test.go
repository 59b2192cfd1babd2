package claudecode

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// collectLines returns a splitter with the given max and the slice that
// receives a copy of each line.
func collectLines(max int) (*LineSplitter, *[]string) {
	var lines []string
	splitter := NewLineSplitter(max, func(line []byte) { lines = append(lines, string(line)) })
	return splitter, &lines
}

// writePieces writes data to w in pieces of size bytes.
func writePieces(t *testing.T, w *LineSplitter, data []byte, size int) {
	t.Helper()
	for len(data) > 0 {
		n := min(size, len(data))
		written, err := w.Write(data[:n])
		// A plain comparison, because testify's reflection would dominate
		// the run time of hundreds of thousands of small writes.
		if err != nil || written != n {
			t.Fatalf("Write(%d bytes) = %d, %v; want %d, nil", n, written, err, n)
		}
		data = data[n:]
	}
}

func TestLineSplitterLongLineInSmallPieces(t *testing.T) {
	long := bytes.Repeat([]byte("0123456789abcdef"), 5<<20/16)
	input := append([]byte("first\n"), long...)
	input = append(input, "\nlast\n"...)
	splitter, lines := collectLines(DefaultMaxLine)

	writePieces(t, splitter, input, 7)

	require.Len(t, *lines, 3)
	assert.Equal(t, "first", (*lines)[0])
	assert.True(t, (*lines)[1] == string(long), "the long line differs: %d bytes, want %d", len((*lines)[1]), len(long))
	assert.Equal(t, "last", (*lines)[2])
	assert.Equal(t, 0, splitter.Dropped())
}

func TestLineSplitterCRLF(t *testing.T) {
	splitter, lines := collectLines(100)

	writePieces(t, splitter, []byte("one\r\ntwo\r\n\r\nthree\r\r\n"), 3)

	assert.Equal(t, []string{"one", "two", "", "three\r"}, *lines)
}

func TestLineSplitterKeepsPartialLine(t *testing.T) {
	splitter, lines := collectLines(100)

	writePieces(t, splitter, []byte("done\npart"), 100)
	assert.Equal(t, []string{"done"}, *lines)

	writePieces(t, splitter, []byte("ial\n"), 100)
	assert.Equal(t, []string{"done", "partial"}, *lines)
}

func TestLineSplitterDropsLineOverMax(t *testing.T) {
	for _, size := range []int{1, 7, 1000} {
		splitter, lines := collectLines(10)

		writePieces(t, splitter, []byte("short\n0123456789X\r\nexactly10!\r\nafter\n"), size)

		assert.Equal(t, []string{"short", "exactly10!", "after"}, *lines, "piece size %d", size)
		assert.Equal(t, 1, splitter.Dropped(), "piece size %d", size)
	}
}

func TestLineSplitterDropsUnfinishedLongLine(t *testing.T) {
	splitter, lines := collectLines(10)

	writePieces(t, splitter, bytes.Repeat([]byte("x"), 50), 7)
	writePieces(t, splitter, []byte("yy\nok\n"), 7)

	assert.Equal(t, []string{"ok"}, *lines)
	assert.Equal(t, 1, splitter.Dropped())
}

func TestLineSplitterDefaultMax(t *testing.T) {
	splitter := NewLineSplitter(0, func([]byte) {})

	assert.Equal(t, DefaultMaxLine, splitter.max)
}
