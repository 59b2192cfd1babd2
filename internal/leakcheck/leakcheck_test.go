package leakcheck

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) { os.Exit(Main(m)) }

func TestCheckFindsLeakedGoroutine(t *testing.T) {
	before, err := Take()
	require.NoError(t, err)
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		blockUntilClosed(stop)
	}()

	report, err := before.Check(t.Context(), 200*time.Millisecond)
	close(stop)
	<-done
	require.NoError(t, err)
	require.Len(t, report.Goroutines, 1)
	assert.Contains(t, report.Goroutines[0], "blockUntilClosed")
}

func TestCheckFindsLeakedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "open.txt")
	require.NoError(t, os.WriteFile(path, []byte("x"), 0o600))
	before, err := Take()
	require.NoError(t, err)
	file, err := os.Open(path)
	require.NoError(t, err)

	report, err := before.Check(t.Context(), 200*time.Millisecond)
	require.NoError(t, file.Close())
	require.NoError(t, err)
	require.Len(t, report.FDs, 1)
	assert.True(t, strings.HasSuffix(report.FDs[0], path), report.FDs[0])
}

func TestCheckWaitsForGoroutineToEnd(t *testing.T) {
	before, err := Take()
	require.NoError(t, err)
	go time.Sleep(100 * time.Millisecond)

	report, err := before.Check(t.Context(), 5*time.Second)
	require.NoError(t, err)
	assert.True(t, report.Empty(), report.String())
}

func TestCheckStopsWithContext(t *testing.T) {
	before, err := Take()
	require.NoError(t, err)
	stop := make(chan struct{})
	defer close(stop)
	go blockUntilClosed(stop)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()

	report, err := before.Check(ctx, time.Hour)
	require.NoError(t, err)
	assert.Len(t, report.Goroutines, 1)
}

func TestReportStringListsStacks(t *testing.T) {
	report := Report{Goroutines: []string{"goroutine 9 [chan receive]:\nmain.wait()"}, FDs: []string{"7 -> /tmp/x"}}
	text := report.String()
	assert.Contains(t, text, "1 goroutine(s) and 1 file descriptor(s) leaked")
	assert.Contains(t, text, "fd 7 -> /tmp/x")
	assert.Contains(t, text, "main.wait()")
}

func TestGoroutineIDParsesHeader(t *testing.T) {
	id, ok := goroutineID("goroutine 42 [select]:\nmain.f()")
	require.True(t, ok)
	assert.Equal(t, 42, id)
	_, ok = goroutineID("created by main.g")
	assert.False(t, ok)
}

func TestVerifyPassesCleanTest(t *testing.T) {
	Verify(t)
	done := make(chan struct{})
	go close(done)
	<-done
}

//go:noinline
func blockUntilClosed(stop <-chan struct{}) { <-stop }
