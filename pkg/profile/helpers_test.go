package profile

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/axiom-mcp/axiom-mcp/pkg/screen"
)

// renderLimit bounds how long a test waits for the emulator before it fails
// instead of hanging. It catches deadlocks, not slowness.
const renderLimit = 30 * time.Second

// claudeProfile returns the embedded claude profile.
func claudeProfile(t *testing.T) *Profile {
	t.Helper()
	p, err := Defaults().Lookup("claude")
	require.NoError(t, err)
	return p
}

// readTextScreen returns the rows of a tmux capture in testdata as they are.
func readTextScreen(t *testing.T, name string) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return strings.Split(strings.TrimRight(string(data), "\n"), "\n")
}

// startScreen returns a 120x40 screen whose Run goroutine stops when the
// test ends.
func startScreen(t *testing.T) *screen.Screen {
	t.Helper()
	s := screen.New(screen.Options{Cols: 120, Rows: 40})
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

// feed writes p to s and waits until it is rendered.
func feed(t *testing.T, s *screen.Screen, p []byte) {
	t.Helper()
	_, err := s.Write(p)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), renderLimit)
	defer cancel()
	require.NoError(t, s.Flush(ctx))
}

// renderANSIScreen renders a tmux capture with escape codes. The capture
// ends rows with a bare line feed, which a terminal reads as "down one row"
// without a return to column 0, so each becomes CR LF.
func renderANSIScreen(t *testing.T, name string) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	s := startScreen(t)
	feed(t, s, bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n")))
	return s.Lines()
}

// timedChunk is one write of the recorded session.
type timedChunk struct {
	at   time.Duration // since the start of the recording
	data []byte
}

// loadRecording splits testdata/session-raw.bin into the writes listed in
// testdata/session-timing.txt, whose lines are "<delay seconds> <bytes>".
// The recording starts with one header line from script(1), which the
// timing does not count.
func loadRecording(t *testing.T) []timedChunk {
	t.Helper()
	raw, err := os.ReadFile("testdata/session-raw.bin")
	require.NoError(t, err)
	header := bytes.IndexByte(raw, '\n')
	require.Equal(t, 126, header, "script(1) header line is 127 bytes with its line feed")
	body := raw[header+1:]

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
		require.LessOrEqual(t, offset+size, len(body), "timing lists more bytes than the recording has")
		elapsed += time.Duration(delay * float64(time.Second))
		chunks = append(chunks, timedChunk{at: elapsed, data: body[offset : offset+size]})
		offset += size
	}
	require.NoError(t, scanner.Err())
	return chunks
}
