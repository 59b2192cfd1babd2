package executor

import (
	"errors"
	"os"
	"time"

	"go.uber.org/zap"
)

// Flood mode. Converting output to plain text and queueing it for the
// transcript files cost the PTY reader more CPU than the read itself, and
// on a machine whose cores the agent needs too that slowed a flooding agent
// down. Yet the files keep only their newest two parts and the plain text
// only its newest TranscriptBytes, so most of a long flood is dropped soon
// after it is processed. So while an agent writes faster than
// floodEnterBytes per floodWindow, the reader keeps only the newest raw
// bytes that the files and the plain text can hold, and converts and
// queues them once the output pauses for floodQuiet. The in-memory raw
// transcript and the screen get every byte as before.
const (
	floodWindow     = 100 * time.Millisecond
	floodEnterBytes = 4 << 20 // in one floodWindow: 40 MiB a second
	// floodQuiet is how long the output must pause for a flood to end.
	floodQuiet = 20 * time.Millisecond
)

// floodTail is the reader's flood state. Only the reader goroutine uses it.
type floodTail struct {
	// enter is the output per floodWindow that starts a flood.
	enter       int
	windowStart time.Time
	windowBytes int
	// tail keeps the newest raw bytes of the current flood, nil outside a
	// flood.
	tail *transcript
}

// active reports whether a flood is on.
func (f *floodTail) active() bool { return f.tail != nil }

// count adds n bytes read at now to the rate window and reports whether
// they start a flood.
func (f *floodTail) count(n int, now time.Time) bool {
	if now.Sub(f.windowStart) > floodWindow {
		f.windowStart, f.windowBytes = now, 0
	}
	f.windowBytes += n
	return f.windowBytes >= f.enter
}

// ingest passes one read of output to every consumer: in a flood, the
// plain text and the files wait in the flood's tail.
func (i *Instance) ingest(p []byte, now time.Time) {
	_, _ = i.transcript.Write(p)
	_, _ = i.screen.Write(p)
	if i.stream != nil {
		_, _ = i.stream.Write(p)
	}
	i.markOutput()
	if i.flood.active() {
		_, _ = i.flood.tail.Write(p)
		i.extendFlood(now)
		return
	}
	text := i.text.appendText(p)
	if i.disk != nil {
		i.disk.offer(p, false)
		i.disk.offer(text, true)
	}
	if i.flood.count(len(p), now) {
		i.startFlood(now)
	}
}

// startFlood begins flood mode after the read at now. The tail holds as
// much as the plain text and the transcript files keep, so it holds all
// that the normal path would have kept of the flood.
func (i *Instance) startFlood(now time.Time) {
	capacity := i.cfg.TranscriptBytes
	if i.disk != nil {
		capacity = max(capacity, int(2*i.cfg.TranscriptMax))
	}
	i.flood.tail = newTranscript(capacity)
	i.log.Debug("output flood: plain text and transcript files wait for a pause",
		zap.Int("bytes_per_window", i.flood.windowBytes))
	i.extendFlood(now)
}

// extendFlood moves the read deadline that ends the flood to floodQuiet
// after now.
func (i *Instance) extendFlood(now time.Time) {
	if err := i.master.SetReadDeadline(now.Add(floodQuiet)); err != nil {
		// Without a deadline the flood would end only with the output.
		i.log.Warn("set the read deadline of the terminal failed; ending flood mode", zap.Error(err))
		i.endFlood()
	}
}

// isFloodPause reports whether err is the read deadline of flood mode.
func isFloodPause(err error) bool { return errors.Is(err, os.ErrDeadlineExceeded) }

// endFlood converts the flood's tail to plain text and queues it and the
// raw tail for the transcript files. The bytes of the flood that the tail
// no longer holds are counted as left out of the files, and the plain
// text continues after a gap as long as those bytes.
func (i *Instance) endFlood() {
	if !i.flood.active() {
		return
	}
	tail := i.flood.tail
	i.flood.tail = nil
	i.flood.windowBytes = 0
	_ = i.master.SetReadDeadline(time.Time{})

	raw := tail.Bytes()
	skipped := tail.Total() - int64(len(raw))
	var text []byte
	if skipped > 0 {
		text = i.text.appendAfterGap(raw, skipped)
	} else {
		text = i.text.appendText(raw)
	}
	if i.disk != nil {
		i.disk.offerFlood(raw, text, skipped)
	}
	i.text.releaseScratch()
	i.log.Info("output flood over: the transcript files and the plain text keep its newest bytes",
		zap.Int64("bytes", tail.Total()), zap.Int64("left_out", skipped))
}
