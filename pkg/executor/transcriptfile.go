package executor

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"go.uber.org/zap"
)

// Names of the files in an instance's transcript directory.
const (
	rawFileName  = "raw.log"  // the bytes the agent wrote to its terminal
	textFileName = "text.log" // the same output as plain text, as the output tool serves it
)

// diskTranscript writes an instance's raw output and its plain text to
// rotating files on a goroutine of its own. The read path appends copies
// to two buffers bounded together in bytes, and the writer takes each
// buffer whole and writes it in one call, so a flood costs one copy and
// few system calls per batch. When the disk falls behind and the buffers
// are full, new output is dropped and counted, so the PTY reader never
// waits for the disk.
type diskTranscript struct {
	rawPath, textPath string
	raw, text         *rotatingFile
	maxQueued         int
	log               *zap.Logger

	mu        sync.Mutex
	rawQueue  []byte // raw output waiting for the raw file
	textQueue []byte // plain text waiting for the text file
	spareRaw  []byte // the buffers of the last batch, for reuse
	spareText []byte
	queued    int // bytes of offer taken by the writer or waiting, not yet written
	// flood is the bytes of offerFlood waiting, which do not count
	// against maxQueued: a flood's tail would otherwise fill the queue
	// and push out the output that follows it.
	flood    int
	dropped  int64
	failed   bool          // a write failed, so nothing more is written
	wake     chan struct{} // output is waiting
	full     chan struct{} // diskBatchBytes or more are waiting
	finished chan struct{}
}

// keepBufferBytes is the capacity above which a batch buffer is not kept
// for reuse unless the batch filled at least a quarter of it, so an
// instance whose flood has ended gives the memory back.
const keepBufferBytes = 64 << 10

// The writer lets output gather after it wakes, for diskCoalesce or until
// diskBatchBytes are waiting, whichever comes first. Waking for every read
// of a flooding agent's output cost more CPU than the writes themselves.
const (
	diskCoalesce   = 5 * time.Millisecond
	diskBatchBytes = 512 << 10
)

// newDiskTranscript creates dir and the raw and text files in it, each
// capped at maxFile bytes with one rotated file besides.
func newDiskTranscript(dir string, maxFile int64, maxQueued int, log *zap.Logger) (*diskTranscript, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create transcript directory %s: %w", dir, err)
	}
	d := &diskTranscript{
		rawPath: filepath.Join(dir, rawFileName), textPath: filepath.Join(dir, textFileName),
		maxQueued: maxQueued, log: log,
		wake: make(chan struct{}, 1), full: make(chan struct{}, 1), finished: make(chan struct{}),
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
// dropped, and counted when it is raw output.
func (d *diskTranscript) offer(p []byte, text bool) {
	if len(p) == 0 {
		return
	}
	d.mu.Lock()
	if d.failed || d.queued+len(p) > d.maxQueued {
		if !text {
			d.dropped += int64(len(p))
		}
		d.mu.Unlock()
		return
	}
	if text {
		d.textQueue = append(d.textQueue, p...)
	} else {
		d.rawQueue = append(d.rawQueue, p...)
	}
	d.queued += len(p)
	full := d.queued >= diskBatchBytes
	d.mu.Unlock()
	select {
	case d.wake <- struct{}{}:
	default:
	}
	if full {
		select {
		case d.full <- struct{}{}:
		default:
		}
	}
}

// offerFlood queues the raw tail of a flood and its plain text beside the
// queue's cap, since the tail is bounded by the files' size. skipped raw
// bytes of the flood came before the tail and are counted as left out.
func (d *diskTranscript) offerFlood(raw, text []byte, skipped int64) {
	d.mu.Lock()
	d.dropped += skipped
	if d.failed {
		d.dropped += int64(len(raw))
		d.mu.Unlock()
		return
	}
	d.rawQueue = append(d.rawQueue, raw...)
	d.textQueue = append(d.textQueue, text...)
	d.flood += len(raw) + len(text)
	d.mu.Unlock()
	select {
	case d.full <- struct{}{}:
	default:
	}
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
	coalesce := time.NewTimer(0)
	defer coalesce.Stop()
	for {
		d.writeQueued()
		select {
		case <-d.wake:
		case <-ctx.Done():
			d.writeQueued()
			return
		}
		coalesce.Reset(diskCoalesce)
		select {
		case <-coalesce.C:
		case <-d.full:
		case <-ctx.Done():
			d.writeQueued()
			return
		}
	}
}

// writeQueued takes both queues whole and writes each in one call. Their
// bytes stay counted until written, so the memory held is bounded by
// maxQueued.
func (d *diskTranscript) writeQueued() {
	d.mu.Lock()
	raw, text := d.rawQueue, d.textQueue
	d.rawQueue, d.textQueue = d.spareRaw[:0], d.spareText[:0]
	d.spareRaw, d.spareText = nil, nil
	// A flood's tail is taken whole, so it stops counting at once.
	offered := len(raw) + len(text) - d.flood
	d.flood = 0
	d.mu.Unlock()

	d.write(d.raw, raw)
	d.write(d.text, text)

	d.mu.Lock()
	d.queued -= offered
	d.spareRaw, d.spareText = d.reusable(raw), d.reusable(text)
	d.mu.Unlock()
}

// reusable returns buf emptied for the next batch, or nil so that its
// memory goes back: when it is large and was mostly unused, or larger than
// the queue, as a buffer that held a flood's tail is.
func (d *diskTranscript) reusable(buf []byte) []byte {
	if cap(buf) > d.maxQueued || (cap(buf) > keepBufferBytes && len(buf) < cap(buf)/4) {
		return nil
	}
	return buf[:0]
}

func (d *diskTranscript) write(file *rotatingFile, data []byte) {
	if len(data) == 0 {
		return
	}
	if _, err := file.Write(data); err != nil {
		d.mu.Lock()
		first := !d.failed
		d.failed = true
		if file == d.raw {
			d.dropped += int64(len(data))
		}
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

// Dropped returns how many bytes of raw output were not written to the raw
// file: because the disk was slower than the agent, a write failed, or a
// flood kept only its newest output. The text file misses the same output.
func (d *diskTranscript) Dropped() int64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.dropped
}
