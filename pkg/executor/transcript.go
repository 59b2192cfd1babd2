package executor

import "sync"

// transcript keeps the last bytes an instance wrote to its terminal, up to a
// fixed capacity, and counts every byte ever written. Memory stays bounded
// however much an agent prints.
type transcript struct {
	mu    sync.Mutex
	buf   []byte
	start int // index of the oldest byte once the buffer is full
	full  bool
	total int64
}

func newTranscript(capacity int) *transcript {
	return &transcript{buf: make([]byte, 0, capacity)}
}

// Write appends p, overwriting the oldest bytes when the capacity is reached.
func (t *transcript) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	written := len(p)
	t.total += int64(written)
	capacity := cap(t.buf)
	if written >= capacity {
		t.buf = append(t.buf[:0], p[written-capacity:]...)
		t.start, t.full = 0, true
		return written, nil
	}
	if !t.full {
		room := capacity - len(t.buf)
		if written <= room {
			t.buf = append(t.buf, p...)
			return written, nil
		}
		t.buf = append(t.buf, p[:room]...)
		p = p[room:]
		t.full = true
	}
	for len(p) > 0 {
		n := copy(t.buf[t.start:], p)
		p = p[n:]
		t.start = (t.start + n) % capacity
	}
	return written, nil
}

// Bytes returns a copy of the kept bytes, oldest first.
func (t *transcript) Bytes() []byte {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]byte, 0, len(t.buf))
	if !t.full {
		return append(out, t.buf...)
	}
	out = append(out, t.buf[t.start:]...)
	return append(out, t.buf[:t.start]...)
}

// shrink moves the kept bytes, oldest first, into a buffer of their own
// size and releases the rest of the capacity. The pool keeps the
// transcripts of ended instances, so their unused capacity would stay
// allocated. A later write keeps only as many bytes as are kept now.
func (t *transcript) shrink() {
	t.mu.Lock()
	defer t.mu.Unlock()
	kept := make([]byte, 0, len(t.buf))
	if t.full {
		kept = append(kept, t.buf[t.start:]...)
		kept = append(kept, t.buf[:t.start]...)
	} else {
		kept = append(kept, t.buf...)
	}
	t.buf, t.start, t.full = kept, 0, len(kept) > 0
}

// skip drops the kept bytes and counts n more bytes as written, so that
// later bytes keep their offsets after a gap of n bytes.
func (t *transcript) skip(n int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf, t.start, t.full = t.buf[:0], 0, false
	t.total += n
}

// Total returns how many bytes were written in all.
func (t *transcript) Total() int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.total
}
