package screen

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// splitStride is the distance between split offsets in one replay. Replays
// with every phase 0..splitStride-1 together split at every byte offset of
// the recording, at a fraction of the cost of one replay per offset.
const splitStride = 97

// idleReadyAt is when the recorded Claude Code session first showed its
// idle prompt, from the recording's notes.
const idleReadyAt = 760 * time.Millisecond

// replayPieces renders pieces in order and returns the final rows. It waits
// for each piece before writing the next, so the emulator receives every split.
func replayPieces(t *testing.T, pieces [][]byte) []string {
	t.Helper()
	s := startScreen(t, Options{})
	for _, piece := range pieces {
		writeAll(t, s, piece)
		flush(t, s)
	}
	return s.Lines()
}

// splitEvery cuts data at offsets phase, phase+stride, phase+2*stride, ...
func splitEvery(data []byte, phase, stride int) [][]byte {
	var pieces [][]byte
	start := 0
	for cut := phase; cut < len(data); cut += stride {
		if cut > start {
			pieces = append(pieces, data[start:cut])
			start = cut
		}
	}
	return append(pieces, data[start:])
}

// splitRandom cuts data into pieces of 1 to maxPiece bytes.
func splitRandom(data []byte, rng *rand.Rand, maxPiece int) [][]byte {
	var pieces [][]byte
	for len(data) > 0 {
		n := min(len(data), 1+rng.IntN(maxPiece))
		pieces = append(pieces, data[:n])
		data = data[n:]
	}
	return pieces
}

func TestReplayRecordingFinalScreen(t *testing.T) {
	lines := replayPieces(t, [][]byte{loadRecording(t)})

	assert.True(t, containsRow(lines, "Resume this session with:"), "final screen:\n%v", lines)
	// tmux showed the same rows, then the shell prompt that followed the
	// session. That prompt is not part of the recording.
	capture := loadCapture(t, "11-exited.txt")
	require.Equal(t, "bash-5.2#", capture[len(capture)-1])
	assert.Equal(t, capture[:len(capture)-1], lines)
}

func TestReplayRecordingSplitAtEveryOffset(t *testing.T) {
	body := loadRecording(t)
	want := replayPieces(t, [][]byte{body})
	require.True(t, containsRow(want, "Resume this session with:"))

	for phase := range splitStride {
		got := replayPieces(t, splitEvery(body, phase, splitStride))
		require.Equal(t, want, got, "split every %d bytes from offset %d", splitStride, phase)
	}
}

func TestReplayRecordingSplitRandomly(t *testing.T) {
	body := loadRecording(t)
	want := replayPieces(t, [][]byte{body})
	rng := rand.New(rand.NewPCG(1, 2))

	for round := range 5 {
		got := replayPieces(t, splitRandom(body, rng, 40))
		require.Equal(t, want, got, "random split, round %d", round)
	}
}

func TestReplayRecordingReachesIdlePrompt(t *testing.T) {
	s := startScreen(t, Options{})
	var titleAt time.Duration = -1
	var beforeReady []string
	for _, chunk := range loadTimedChunks(t) {
		if chunk.at > idleReadyAt {
			break
		}
		beforeReady = s.Lines()
		writeAll(t, s, chunk.data)
		flush(t, s)
		if titleAt < 0 && s.Title() == "✳ Claude Code" {
			titleAt = chunk.at
		}
	}
	lines := s.Lines()

	assert.GreaterOrEqual(t, titleAt, time.Duration(0), "title never became %q, last %q", "✳ Claude Code", s.Title())
	assert.False(t, containsRow(beforeReady, "? for shortcuts"), "idle footer shown before the last chunk")
	assert.True(t, containsRow(lines, "? for shortcuts"), "screen at %v:\n%v", idleReadyAt, lines)
	// The tmux capture has the shell command that started the recording
	// above the first row of the program's output.
	assert.Equal(t, loadCapture(t, "06-idle-ready.txt")[1:], lines)
}

func TestReplayRecordingTitles(t *testing.T) {
	s := startScreen(t, Options{})
	// titles lists each change of the title, which starts out empty.
	var titles []string
	last := ""
	for _, chunk := range loadTimedChunks(t) {
		writeAll(t, s, chunk.data)
		flush(t, s)
		if s.Title() != last {
			last = s.Title()
			titles = append(titles, last)
		}
	}

	require.NotEmpty(t, titles)
	assert.Equal(t, "✳ Claude Code", titles[0])
	assert.Contains(t, titles, "⠂ Mock task")
	assert.Contains(t, titles, "⠐ Mock task")
	assert.Contains(t, titles, "✳ Mock task")
	assert.Equal(t, "", titles[len(titles)-1], "exit clears the title")
}
