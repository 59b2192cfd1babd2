package screen

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// waitLimit bounds how long a test waits for rendering before it fails
// instead of hanging. It catches deadlocks, not slowness.
const waitLimit = 30 * time.Second

// recordingTrailerLen is the length of the trailer that script(1) appends
// to session-raw.bin ("\nScript done on ... [COMMAND_EXIT_CODE=...]\n").
const recordingTrailerLen = 66

// startScreen returns a Screen whose Run goroutine stops when the test ends.
func startScreen(t testing.TB, opts Options) *Screen {
	t.Helper()
	s := New(opts)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
		_ = s.Close()
	})
	return s
}

// flush waits until everything written to s is rendered.
func flush(t testing.TB, s *Screen) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	require.NoError(t, s.Flush(ctx))
}

// writeAll writes p to s in one call and checks that it was accepted.
func writeAll(t testing.TB, s *Screen, p []byte) {
	t.Helper()
	n, err := s.Write(p)
	require.NoError(t, err)
	require.Equal(t, len(p), n)
}

// loadRecording returns the program output stored in
// testdata/session-raw.bin: a Claude Code 2.1.197 session recorded by
// script(1) in a 120x40 terminal, without script's header line and trailer.
func loadRecording(t testing.TB) []byte {
	t.Helper()
	raw, err := os.ReadFile("testdata/session-raw.bin")
	require.NoError(t, err)
	header := bytes.IndexByte(raw, '\n')
	require.GreaterOrEqual(t, header, 0, "recording has no header line")
	require.Greater(t, len(raw), header+1+recordingTrailerLen, "recording is shorter than its header and trailer")
	return raw[header+1 : len(raw)-recordingTrailerLen]
}

// timedChunk is one write of the recorded program.
type timedChunk struct {
	at   time.Duration // since the start of the recording
	data []byte
}

// loadTimedChunks splits the recording into the writes listed in
// testdata/session-timing.txt, one "<delay seconds> <bytes>" line per write.
func loadTimedChunks(t testing.TB) []timedChunk {
	t.Helper()
	body := loadRecording(t)
	f, err := os.Open("testdata/session-timing.txt")
	require.NoError(t, err)
	defer f.Close()

	var chunks []timedChunk
	var elapsed time.Duration
	offset := 0
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		fields := strings.Fields(scanner.Text())
		require.Len(t, fields, 2, "timing line %q", scanner.Text())
		delay, err := strconv.ParseFloat(fields[0], 64)
		require.NoError(t, err)
		size, err := strconv.Atoi(fields[1])
		require.NoError(t, err)
		require.LessOrEqual(t, offset+size, len(body), "timing lists more bytes than the recording holds")
		elapsed += time.Duration(delay * float64(time.Second))
		chunks = append(chunks, timedChunk{at: elapsed, data: body[offset : offset+size]})
		offset += size
	}
	require.NoError(t, scanner.Err())
	require.Equal(t, len(body), offset, "timing byte counts do not add up to the recording")
	return chunks
}

// loadCapture returns the rows of a tmux capture in testdata with trailing
// spaces and trailing empty rows removed, as Lines returns them.
func loadCapture(t testing.TB, name string) []string {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	require.NoError(t, err)
	rows := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	for i, row := range rows {
		rows[i] = strings.TrimRight(row, " ")
	}
	for len(rows) > 0 && rows[len(rows)-1] == "" {
		rows = rows[:len(rows)-1]
	}
	return rows
}

// containsRow reports whether any row contains text.
func containsRow(rows []string, text string) bool {
	for _, row := range rows {
		if strings.Contains(row, text) {
			return true
		}
	}
	return false
}
