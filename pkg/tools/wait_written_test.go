package tools

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// progressLine returns a progress notification as the stdio transport
// writes it.
func progressLine(token string, progress int) []byte {
	return fmt.Appendf(nil, `{"jsonrpc":"2.0","method":"notifications/progress","params":`+
		`{"message":"m","progress":%d,"progressToken":%s,"total":3}}`+"\n", progress, token)
}

func TestWatchOutputPassesBytesThrough(t *testing.T) {
	s := &Server{progress: newProgressLedger()}
	var out bytes.Buffer
	w := s.WatchOutput(&out)

	line := progressLine(`"a"`, 1)
	n, err := w.Write(line)
	require.NoError(t, err)
	assert.Equal(t, len(line), n)
	assert.Equal(t, string(line), out.String())
}

func TestAwaitWrittenSeesTrackedToken(t *testing.T) {
	s := &Server{progress: newProgressLedger()}
	w := s.WatchOutput(&bytes.Buffer{})
	s.progress.track(`"a"`)

	go func() {
		time.Sleep(50 * time.Millisecond)
		_, _ = w.Write(progressLine(`"a"`, 1))
		_, _ = w.Write(progressLine(`"a"`, 2))
	}()
	assert.True(t, s.progress.awaitWritten(t.Context(), `"a"`, 2))
}

func TestAwaitWrittenMatchesNumericToken(t *testing.T) {
	s := &Server{progress: newProgressLedger()}
	w := s.WatchOutput(&bytes.Buffer{})
	s.progress.track(`7`)

	_, err := w.Write(progressLine(`7`, 1))
	require.NoError(t, err)
	assert.True(t, s.progress.awaitWritten(t.Context(), `7`, 1))
}

func TestAwaitWrittenIgnoresOtherTokens(t *testing.T) {
	s := &Server{progress: newProgressLedger()}
	w := s.WatchOutput(&bytes.Buffer{})
	s.progress.track(`"a"`)

	_, err := w.Write(progressLine(`"b"`, 1))
	require.NoError(t, err)
	_, err = w.Write([]byte(`{"jsonrpc":"2.0","id":1,"result":{}}` + "\n"))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	assert.False(t, s.progress.awaitWritten(ctx, `"a"`, 1))
	assert.NotContains(t, s.progress.written, `"b"`, "untracked tokens are not recorded")
}

func TestAwaitWrittenWithoutWatchedOutput(t *testing.T) {
	s := &Server{progress: newProgressLedger()}
	s.progress.track(`"a"`)

	assert.True(t, s.progress.awaitWritten(t.Context(), `"a"`, 1), "nothing to wait for without a watched transport")
}

func TestForgetStopsTracking(t *testing.T) {
	s := &Server{progress: newProgressLedger()}
	w := s.WatchOutput(&bytes.Buffer{})
	s.progress.track(`"a"`)
	s.progress.forget(`"a"`)

	_, err := w.Write(progressLine(`"a"`, 1))
	require.NoError(t, err)
	assert.Empty(t, s.progress.written)
}
