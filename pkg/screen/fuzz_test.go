package screen

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// maxEveryOffset is the longest input that FuzzScreenSplit renders once per
// byte offset. Longer inputs are split at about that many offsets spread
// over the input, to keep one run short.
// One render takes a few milliseconds, so the bound is low.
const maxEveryOffset = 48

// addStreamSeeds adds pieces of the recorded Claude Code session and
// sequences that are easy to cut in the wrong place. The whole recording
// is left out because TestReplayRecordingSplitAtEveryOffset covers it.
func addStreamSeeds(f *testing.F) {
	f.Helper()
	recording := loadRecording(f)
	const pieces, pieceLen = 6, 400
	for i := range pieces {
		start := i * (len(recording) - pieceLen) / (pieces - 1)
		f.Add(recording[start : start+pieceLen])
	}
	f.Add([]byte("plain \x1b[1mBold\x1b[0m\n"))
	f.Add([]byte("\rprogress 1\rprogress 2\rprogress 10\r\n"))
	f.Add([]byte("\x1b]0;✳ title\x07wide 世界 ✽\x1b[2;5Hx\x1b[K"))
	f.Add([]byte("\x1bP1$r0m\x1b\\\x1b[6n\x1b[?25l"))
}

// renderPieces renders pieces on a new 40x10 screen, waiting for each piece
// before the next, and returns the rows and the title.
func renderPieces(t *testing.T, pieces ...[]byte) ([]string, string) {
	t.Helper()
	s := New(Options{Cols: 40, Rows: 10})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Run(ctx)
	}()
	defer func() {
		cancel()
		<-done
		_ = s.Close()
	}()
	for _, piece := range pieces {
		writeAll(t, s, piece)
		flush(t, s)
	}
	return s.Lines(), s.Title()
}

// splitOffsets returns every offset inside data, or about maxEveryOffset of
// them spread evenly over longer data.
func splitOffsets(data []byte) []int {
	stride := max(1, len(data)/maxEveryOffset)
	var offsets []int
	for cut := 1; cut < len(data); cut += stride {
		offsets = append(offsets, cut)
	}
	return offsets
}

// FuzzScreenSplit checks that the emulator's screen and title for a byte
// stream split into two writes equal those for one write, whatever the
// offset: no sequence, UTF-8 character or line may depend on read
// boundaries.
func FuzzScreenSplit(f *testing.F) {
	addStreamSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		wantLines, wantTitle := renderPieces(t, data)
		for _, cut := range splitOffsets(data) {
			lines, title := renderPieces(t, data[:cut], data[cut:])
			require.Equal(t, wantLines, lines, "rows differ when split at byte %d", cut)
			require.Equal(t, wantTitle, title, "title differs when split at byte %d", cut)
		}
	})
}

// FuzzPlainTextSplit checks that plain text assembled from a stream split
// at each byte offset, or byte by byte, equals the text of one write, and that no
// ESC byte reaches the text.
func FuzzPlainTextSplit(f *testing.F) {
	addStreamSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		var whole PlainText
		want := whole.Append(nil, data)
		if !bytes.Contains(data, []byte{0x1b}) {
			assert.NotContains(t, string(want), "\x00", "control characters are dropped")
		}
		assert.NotContains(t, string(want), "\x1b", "escape sequences are removed")

		var byByte PlainText
		var got []byte
		for i := range data {
			got = byByte.Append(got, data[i:i+1])
		}
		require.Equal(t, string(want), string(got), "byte by byte")

		for cut := 1; cut < len(data); cut++ {
			var split PlainText
			got := split.Append(split.Append(nil, data[:cut]), data[cut:])
			require.Equal(t, string(want), string(got), "split at byte %d", cut)
		}
	})
}
