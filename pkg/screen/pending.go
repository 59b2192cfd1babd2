package screen

// pendingBuffer is a bounded FIFO of bytes waiting for the emulator. It is not
// safe for concurrent use, so Screen guards it with its mutex.
type pendingBuffer struct {
	buf  []byte
	head int // index of the first unread byte in buf
	max  int
}

// Len returns the number of bytes waiting.
func (b *pendingBuffer) Len() int {
	return len(b.buf) - b.head
}

// Append copies p to the end of the buffer and drops the oldest bytes that
// no longer fit in max. It returns the number of bytes dropped, which may
// include the head of p when p alone is longer than max.
func (b *pendingBuffer) Append(p []byte) int {
	dropped := 0
	if len(p) > b.max {
		dropped = len(p) - b.max
		p = p[dropped:]
	}
	if excess := b.Len() + len(p) - b.max; excess > 0 {
		b.head += excess
		dropped += excess
	}
	if len(b.buf)+len(p) > cap(b.buf) {
		b.makeRoom(len(p))
	}
	b.buf = append(b.buf, p...)
	return dropped
}

// makeRoom makes space for n more bytes after the unread ones, which must
// fit in max with them. It moves the unread bytes to the start of buf when
// buf is at least twice their size with the n bytes, or twice max, and else
// to a new array of that size. The dead space before the unread bytes is
// then about as large as they are, so a full buffer that drops a little at
// every Append copies each byte about once, not the whole buffer every time.
func (b *pendingBuffer) makeRoom(n int) {
	want := min(2*b.max, 2*(b.Len()+n))
	if want <= cap(b.buf) {
		b.compact()
		return
	}
	buf := make([]byte, b.Len(), want)
	copy(buf, b.buf[b.head:])
	b.buf, b.head = buf, 0
}

// Take moves up to len(dst) of the oldest bytes into dst and returns how many
// it moved.
func (b *pendingBuffer) Take(dst []byte) int {
	n := copy(dst, b.buf[b.head:])
	b.head += n
	if b.head == len(b.buf) {
		b.buf = b.buf[:0]
		b.head = 0
	}
	return n
}

// Queued returns the waiting bytes, oldest first. The slice is valid only
// until the next call that changes the buffer.
func (b *pendingBuffer) Queued() []byte {
	return b.buf[b.head:]
}

// Discard drops the n oldest waiting bytes; n must not exceed Len.
func (b *pendingBuffer) Discard(n int) {
	b.head += n
	if b.head == len(b.buf) {
		b.buf = b.buf[:0]
		b.head = 0
	}
}

// compact moves the unread bytes to the start of buf so that append reuses
// the space of bytes already taken.
func (b *pendingBuffer) compact() {
	n := copy(b.buf, b.buf[b.head:])
	b.buf = b.buf[:n]
	b.head = 0
}
