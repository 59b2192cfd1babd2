package executor

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"go.uber.org/zap"
)

// Names of the files in an instance's transcript directory.
const (
	rawFileName  = "raw.log"  // the bytes the agent wrote to its terminal
	textFileName = "text.log" // the same output as plain text, as the output tool serves it
)

// diskTranscript writes an instance's raw output and its plain text to
// rotating files on a goroutine of its own. The read path hands it copies
// through a queue bounded in bytes. When the disk falls behind and the
// queue is full, new chunks are dropped and counted, so the PTY reader
// never waits for the disk.
type diskTranscript struct {
	rawPath, textPath string
	raw, text         *rotatingFile
	maxQueued         int
	log               *zap.Logger

	mu       sync.Mutex
	chunks   []diskChunk
	spare    []diskChunk
	queued   int
	dropped  int64
	failed   bool // a write failed, so nothing more is written
	wake     chan struct{}
	finished chan struct{}
}

type diskChunk struct {
	data []byte
	text bool
}

// newDiskTranscript creates dir and the raw and text files in it, each
// capped at maxFile bytes with one rotated file besides.
func newDiskTranscript(dir string, maxFile int64, maxQueued int, log *zap.Logger) (*diskTranscript, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create transcript directory %s: %w", dir, err)
	}
	d := &diskTranscript{
		rawPath: filepath.Join(dir, rawFileName), textPath: filepath.Join(dir, textFileName),
		maxQueued: maxQueued, log: log,
		wake: make(chan struct{}, 1), finished: make(chan struct{}),
	}
	var err error
	if d.raw, err = openRotating(d.rawPath, maxFile); err != nil {
		return nil, err
	}
	if d.text, err = openRotating(d.textPath, maxFile); err != nil {
		_ = d.raw.Close()
		return nil, err
	}
	return d, nil
}

// offer queues a copy of p for the raw file, or for the text file when text
// is true. It never waits for the disk writer: when the queue is full, p is
// dropped and counted.
func (d *diskTranscript) offer(p []byte, text bool) {
	if len(p) == 0 {
		return
	}
	d.mu.Lock()
	if d.failed || d.queued+len(p) > d.maxQueued {
		d.dropped += int64(len(p))
		d.mu.Unlock()
		return
	}
	d.chunks = append(d.chunks, diskChunk{data: append([]byte(nil), p...), text: text})
	d.queued += len(p)
	d.mu.Unlock()
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// run writes queued chunks until ctx is done, then writes what is still
// queued and closes the files.
func (d *diskTranscript) run(ctx context.Context) {
	defer close(d.finished)
	defer d.closeFiles()
	for {
		d.writeQueued()
		select {
		case <-d.wake:
		case <-ctx.Done():
			d.writeQueued()
			return
		}
	}
}

// writeQueued takes the whole queue and writes it. The queue's bytes stay
// counted until written, so the memory held is bounded by maxQueued.
func (d *diskTranscript) writeQueued() {
	d.mu.Lock()
	batch := d.chunks
	d.chunks = d.spare[:0]
	d.mu.Unlock()

	written := 0
	for k, chunk := range batch {
		d.write(chunk)
		written += len(chunk.data)
		batch[k] = diskChunk{}
	}

	d.mu.Lock()
	d.queued -= written
	d.spare = batch[:0]
	d.mu.Unlock()
}

func (d *diskTranscript) write(chunk diskChunk) {
	file := d.raw
	if chunk.text {
		file = d.text
	}
	if _, err := file.Write(chunk.data); err != nil {
		d.mu.Lock()
		first := !d.failed
		d.failed = true
		d.dropped += int64(len(chunk.data))
		d.mu.Unlock()
		if first {
			d.log.Error("transcript file write failed; the rest of the output is not written to disk",
				zap.String("file", file.path), zap.Error(err))
		}
	}
}

func (d *diskTranscript) closeFiles() {
	for _, file := range []*rotatingFile{d.raw, d.text} {
		if err := file.Close(); err != nil {
			d.log.Warn("close transcript file failed", zap.Error(err))
		}
	}
}

// Dropped returns how many bytes of raw output and text were not written
// because the disk was slower than the agent or a write failed.
func (d *diskTranscript) Dropped() int64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.dropped
}
