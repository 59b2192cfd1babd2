package executor

import (
	"context"
	"errors"
	"io"
	"sync"
	"time"
)

// ErrNotReading is returned when an agent does not take input within the
// write timeout: its terminal's input queue is full.
var ErrNotReading = errors.New("agent not reading input")

// inputChunk bounds one write, so a partial count can be reported when the
// agent stops reading.
const inputChunk = 1024

// inputWriter owns all writes to one terminal. A single goroutine writes, so
// a write that blocks because the agent does not read never blocks a caller
// for longer than its timeout.
type inputWriter struct {
	w       io.Writer
	queue   chan inputJob
	closed  chan struct{}
	closeMu sync.Once
}

type inputJob struct {
	data    []byte
	written chan int // receives the bytes written; nil for fire-and-forget jobs
}

func newInputWriter(w io.Writer) *inputWriter {
	return &inputWriter{w: w, queue: make(chan inputJob, 64), closed: make(chan struct{})}
}

func (iw *inputWriter) run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case job := <-iw.queue:
			n := iw.writeChunks(job.data)
			if job.written != nil {
				job.written <- n
			}
		}
	}
}

func (iw *inputWriter) writeChunks(data []byte) int {
	total := 0
	for len(data) > 0 {
		size := min(inputChunk, len(data))
		n, err := iw.w.Write(data[:size])
		total += n
		if err != nil {
			return total
		}
		data = data[size:]
	}
	return total
}

// enqueue queues data without waiting, dropping it if the queue is full.
// It is used for replies to terminal queries.
func (iw *inputWriter) enqueue(data []byte) {
	select {
	case iw.queue <- inputJob{data: data}:
	case <-iw.closed:
	default:
	}
}

// write queues data and waits up to timeout for it to be written. It returns
// ErrNotReading on timeout; the write goes on in the background until the
// terminal closes.
func (iw *inputWriter) write(ctx context.Context, data []byte, timeout time.Duration) (int, error) {
	job := inputJob{data: data, written: make(chan int, 1)}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case iw.queue <- job:
	case <-iw.closed:
		return 0, errInstanceEnded
	case <-timer.C:
		return 0, ErrNotReading
	case <-ctx.Done():
		return 0, ctx.Err()
	}
	select {
	case n := <-job.written:
		if n < len(data) {
			return n, errInstanceEnded
		}
		return n, nil
	case <-iw.closed:
		return 0, errInstanceEnded
	case <-timer.C:
		return 0, ErrNotReading
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

func (iw *inputWriter) close() {
	iw.closeMu.Do(func() { close(iw.closed) })
}

var errInstanceEnded = errors.New("instance has ended")
