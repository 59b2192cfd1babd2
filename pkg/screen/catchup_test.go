package screen

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTailStart(t *testing.T) {
	cases := []struct {
		name      string
		queued    string
		rows, max int
		want      int
	}{
		{"keeps the last rows lines", "a\nb\nc\nd", 2, 100, len("a\nb\n")},
		{"trailing line feed ends a line", "a\nb\nc\n", 2, 100, len("a\nb\n")},
		{"too few line feeds keep the window", "xxxxxx\nend", 2, 100, 0},
		{"window cut to max bytes", "0123456789", 3, 4, 6},
		{"line feeds outside the window do not count", "a\nb\nxxxxxxxx", 2, 8, 4},
		{"no line feed", "xxxx", 1, 100, 0},
		{"empty", "", 3, 100, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, tailStart([]byte(c.queued), c.rows, c.max))
		})
	}
}

// numberedLines returns "line 00000\r\n" and so on, at least size bytes,
// and the number of lines.
func numberedLines(size int) (string, int) {
	var b strings.Builder
	n := 0
	for ; b.Len() < size; n++ {
		fmt.Fprintf(&b, "line %05d\r\n", n)
	}
	return b.String(), n
}

// renderWhole renders before and then backlog in writes small enough that
// the renderer never skips, and returns the lines: what a terminal shows.
// It uses the default queue size, whatever opts gives.
func renderWhole(t *testing.T, opts Options, before, backlog string) []string {
	t.Helper()
	opts.MaxPending = 0
	s := startScreen(t, opts)
	for _, part := range []string{before, backlog} {
		for len(part) > 0 {
			n := min(len(part), catchUpMin/2)
			writeAll(t, s, []byte(part[:n]))
			flush(t, s)
			part = part[n:]
		}
	}
	require.Zero(t, s.Stats().Skipped, "the reference rendering skipped bytes")
	return s.Lines()
}

// renderCaughtUp renders before, then writes backlog at once, so that the
// renderer finds all of it queued and catches up. It returns the screen.
func renderCaughtUp(t *testing.T, opts Options, before, backlog string) *Screen {
	t.Helper()
	s := startScreen(t, opts)
	if before != "" {
		writeAll(t, s, []byte(before))
		flush(t, s)
	}
	writeAll(t, s, []byte(backlog))
	flush(t, s)
	return s
}

func TestCatchUpShowsTheNewestLines(t *testing.T) {
	opts := Options{Cols: 40, Rows: 5}
	backlog, n := numberedLines(4 * catchUpMin)
	s := renderCaughtUp(t, opts, "", backlog)

	assert.Equal(t, renderWhole(t, opts, "", backlog), s.Lines())
	assert.Equal(t, fmt.Sprintf("line %05d", n-1), s.Tail(1)[0])
	lineBytes := int64(len("line 00000\r\n"))
	assert.Equal(t, 4*lineBytes, s.Stats().Rendered, "a catch-up keeps the lines of one screen")
	assert.Equal(t, int64(len(backlog))-4*lineBytes, s.Stats().Skipped)
}

func TestCatchUpAfterPartialLine(t *testing.T) {
	opts := Options{Cols: 40, Rows: 5}
	before := "a partial line without an end"
	lines, _ := numberedLines(2 * catchUpMin)
	backlog := lines + "tail"
	s := renderCaughtUp(t, opts, before, backlog)

	assert.Equal(t, renderWhole(t, opts, before, backlog), s.Lines())
	assert.Positive(t, s.Stats().Skipped)
}

func TestCatchUpRestartsCutLineAtLeftEdge(t *testing.T) {
	opts := Options{Cols: 120, Rows: 40}
	before := "\rprogress 10000\rprogress 10001"
	var b strings.Builder
	for i := 10002; b.Len() < 2*catchUpMin; i++ {
		fmt.Fprintf(&b, "\rprogress %d", i)
	}
	b.WriteString("\rdone\r\n")
	backlog := b.String()
	// The kept bytes must start inside an update, or the catch-up would not
	// cut one.
	start := tailStart([]byte(backlog), opts.Rows, tailBytesPerCell*opts.Cols*opts.Rows)
	require.NotEqual(t, byte('\r'), backlog[start])
	s := renderCaughtUp(t, opts, before, backlog)

	assert.Equal(t, renderWhole(t, opts, before, backlog), s.Lines())
	assert.Positive(t, s.Stats().Skipped)
}

func TestDropRestartsCutLineAtLeftEdge(t *testing.T) {
	// A queue smaller than the catch-up threshold loses bytes to Write's
	// drop instead.
	const maxPending = 1000
	opts := Options{Cols: 40, Rows: 5, MaxPending: maxPending}
	before := "\rprogress 10000"
	var b strings.Builder
	for i := 10001; b.Len() < 3*maxPending; i++ {
		fmt.Fprintf(&b, "\rprogress %d", i)
	}
	b.WriteString("\rdone\r\n")
	backlog := b.String()
	require.NotEqual(t, byte('\r'), backlog[len(backlog)-maxPending], "the drop must cut an update")
	s := renderCaughtUp(t, opts, before, backlog)

	assert.Equal(t, renderWhole(t, opts, before, backlog), s.Lines())
	assert.Equal(t, int64(len(backlog)-maxPending), s.Stats().Skipped)
}

func TestCatchUpClearsStaleRows(t *testing.T) {
	opts := Options{Cols: 40, Rows: 5}
	before := "stale 1\r\nstale 2\r\nstale 3\r\n"
	// Colour codes make the kept tail fill fewer rows than the screen has.
	// A terminal that received the whole flood would show none of the
	// stale rows, which scrolled away long before its end.
	backlog := strings.Repeat("\x1b[31mxx\x1b[0m", 2*catchUpMin/13) + "end"
	s := renderCaughtUp(t, opts, before, backlog)

	lines := s.Lines()
	require.NotEmpty(t, lines)
	assert.True(t, strings.HasSuffix(lines[len(lines)-1], "end"), lines[len(lines)-1])
	for _, line := range lines {
		assert.NotContains(t, line, "stale")
	}
}

func TestBacklogAtThresholdIsNotSkipped(t *testing.T) {
	backlog := strings.Repeat("z", catchUpMin)
	s := renderCaughtUp(t, Options{Cols: 40, Rows: 5}, "", backlog)

	assert.Zero(t, s.Stats().Skipped)
	assert.Equal(t, int64(catchUpMin), s.Stats().Rendered)
}

func TestCatchUpShowsMarkerAfterFlood(t *testing.T) {
	s := startScreen(t, Options{})
	block := []byte(strings.Repeat("x", 4<<10))
	const floodBytes = 8 << 20
	for written := 0; written < floodBytes; written += len(block) {
		writeAll(t, s, block)
	}
	writeAll(t, s, []byte("flood-end-marker\r\n"))
	flush(t, s)

	lines := s.Lines()
	require.NotEmpty(t, lines)
	assert.True(t, strings.HasSuffix(lines[len(lines)-1], "flood-end-marker"), lines[len(lines)-1])
	assert.Positive(t, s.Stats().Skipped)
}
