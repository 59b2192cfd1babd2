package executor

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
)

func TestRotatingFileKeepsTwoCappedFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "raw.log")
	file, err := openRotating(path, 100)
	require.NoError(t, err)
	for k := range 7 {
		_, err := file.Write(bytes.Repeat([]byte{byte('a' + k)}, 40))
		require.NoError(t, err)
	}
	require.NoError(t, file.Close())

	current, err := os.ReadFile(path)
	require.NoError(t, err)
	rotated, err := os.ReadFile(path + ".1")
	require.NoError(t, err)
	// 280 bytes: the first file took 100, the second 100, the third 80.
	assert.Equal(t, 80, len(current))
	assert.Equal(t, 100, len(rotated))
	assert.Equal(t, "ffffffffffffffffffffffffffffffffffffffffgggggggggggggggggggggggggggggggggggggggg", string(current))
}

func TestRotatingFileSplitsLargeWrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "raw.log")
	file, err := openRotating(path, 64)
	require.NoError(t, err)
	n, err := file.Write(bytes.Repeat([]byte("z"), 1000))
	require.NoError(t, err)
	require.NoError(t, file.Close())
	assert.Equal(t, 1000, n)

	current, err := os.Stat(path)
	require.NoError(t, err)
	rotated, err := os.Stat(path + ".1")
	require.NoError(t, err)
	assert.Equal(t, int64(1000%64), current.Size())
	assert.Equal(t, int64(64), rotated.Size())
}

func TestDiskTranscriptWritesRawAndText(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "t-1", "i-1")
	disk, err := newDiskTranscript(dir, 1<<20, 1<<20, zap.NewNop())
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	go disk.run(ctx)
	disk.offer([]byte("\x1b[1mhello\x1b[0m\r\n"), false)
	disk.offer([]byte("hello\n"), true)
	cancel()
	<-disk.finished

	raw, err := os.ReadFile(filepath.Join(dir, rawFileName))
	require.NoError(t, err)
	text, err := os.ReadFile(filepath.Join(dir, textFileName))
	require.NoError(t, err)
	assert.Equal(t, "\x1b[1mhello\x1b[0m\r\n", string(raw))
	assert.Equal(t, "hello\n", string(text))
	assert.Zero(t, disk.Dropped())
}

func TestDiskTranscriptDropsWhenQueueFull(t *testing.T) {
	dir := t.TempDir()
	disk, err := newDiskTranscript(dir, 1<<20, 100, zap.NewNop())
	require.NoError(t, err)
	// No writer runs yet, so the queue fills: 60 bytes fit, the next 60 do not.
	disk.offer(bytes.Repeat([]byte("a"), 60), false)
	disk.offer(bytes.Repeat([]byte("b"), 60), false)
	assert.Equal(t, int64(60), disk.Dropped())

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	disk.run(ctx)
	raw, err := os.ReadFile(filepath.Join(dir, rawFileName))
	require.NoError(t, err)
	assert.Equal(t, string(bytes.Repeat([]byte("a"), 60)), string(raw))
}

func TestDiskTranscriptKeepsOrderWhileWriting(t *testing.T) {
	dir := t.TempDir()
	disk, err := newDiskTranscript(dir, 1<<20, 1<<20, zap.NewNop())
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	go disk.run(ctx)
	var wantRaw, wantText bytes.Buffer
	for n := range 2000 {
		raw := fmt.Sprintf("raw %d\r\n", n)
		text := fmt.Sprintf("text %d\n", n)
		disk.offer([]byte(raw), false)
		disk.offer([]byte(text), true)
		wantRaw.WriteString(raw)
		wantText.WriteString(text)
	}
	cancel()
	<-disk.finished

	raw, err := os.ReadFile(filepath.Join(dir, rawFileName))
	require.NoError(t, err)
	text, err := os.ReadFile(filepath.Join(dir, textFileName))
	require.NoError(t, err)
	assert.Equal(t, wantRaw.String(), string(raw))
	assert.Equal(t, wantText.String(), string(text))
}

func TestReusableDropsLargeMostlyEmptyBuffers(t *testing.T) {
	d := &diskTranscript{maxQueued: diskQueueBytes}
	assert.Nil(t, d.reusable(make([]byte, diskQueueBytes+1)), "a buffer larger than the queue, as a flood's tail")
	assert.Nil(t, d.reusable(make([]byte, 10, keepBufferBytes*2)), "a large buffer a batch barely used")
	kept := d.reusable(make([]byte, keepBufferBytes, keepBufferBytes*2))
	assert.Equal(t, keepBufferBytes*2, cap(kept), "a large buffer a batch filled by half")
	assert.Empty(t, kept)
	assert.NotNil(t, d.reusable(make([]byte, 1, 1024)), "a small buffer")
}

func TestFloodTailDoesNotCrowdOutLaterOutput(t *testing.T) {
	dir := t.TempDir()
	disk, err := newDiskTranscript(dir, 1<<20, 100, zap.NewNop())
	require.NoError(t, err)
	// No writer runs yet, so the tail waits in the queue, far above its
	// cap of 100 bytes, and the line after the flood must still fit.
	tail := bytes.Repeat([]byte("x"), 1000)
	disk.offerFlood(tail, tail, 5000)
	disk.offer([]byte("END\n"), false)
	disk.offer([]byte("END\n"), true)
	assert.Equal(t, int64(5000), disk.Dropped(), "only the output before the tail")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	disk.run(ctx)
	raw, err := os.ReadFile(filepath.Join(dir, rawFileName))
	require.NoError(t, err)
	assert.Equal(t, string(tail)+"END\n", string(raw))
	text, err := os.ReadFile(filepath.Join(dir, textFileName))
	require.NoError(t, err)
	assert.Equal(t, string(tail)+"END\n", string(text))
}
