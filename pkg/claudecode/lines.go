package claudecode

import "bytes"

// DefaultMaxLine is the max line length, in bytes, that Stream and
// Transcript accept. Transcript records carry whole file contents, so single
// lines of several megabytes are normal.
const DefaultMaxLine = 64 << 20

// LineSplitter splits a byte stream into lines of up to a max length. It
// removes the "\n" and a "\r" before it, because PTY output ends lines with
// "\r\n". A line longer than the max is dropped whole and counted. Text after
// the last "\n" stays buffered until its line ends. A LineSplitter is not
// safe for concurrent use.
type LineSplitter struct {
	max    int
	onLine func([]byte)
	// partial contains the start of the current line when it began in an
	// earlier Write.
	partial []byte
	// skipping is true while the rest of an overlong line is discarded.
	skipping bool
	dropped  int
}

// NewLineSplitter returns a splitter that calls onLine for each line of at
// most max bytes, not counting the line ending. A max of zero or less means
// DefaultMaxLine. onLine must not keep the slice after it returns, because
// the splitter reuses its memory.
func NewLineSplitter(max int, onLine func([]byte)) *LineSplitter {
	if max <= 0 {
		max = DefaultMaxLine
	}
	return &LineSplitter{max: max, onLine: onLine}
}

// Write splits p into lines and calls the callback for each complete line.
// It always returns len(p), nil.
func (s *LineSplitter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		end := bytes.IndexByte(p, '\n')
		if end < 0 {
			s.buffer(p)
			break
		}
		s.finishLine(p[:end])
		p = p[end+1:]
	}
	return n, nil
}

// Dropped returns the number of lines dropped for being longer than the max.
func (s *LineSplitter) Dropped() int {
	return s.dropped
}

// buffer keeps the start of a line that has no "\n" yet. One byte more than
// the max fits, because it may be the "\r" of a "\r\n" ending.
func (s *LineSplitter) buffer(p []byte) {
	if s.skipping {
		return
	}
	if len(s.partial)+len(p) > s.max+1 {
		s.drop()
		return
	}
	s.partial = append(s.partial, p...)
}

// finishLine ends the current line with tail, its bytes before the "\n".
func (s *LineSplitter) finishLine(tail []byte) {
	if s.skipping {
		s.skipping = false
		return
	}
	line := tail
	if len(s.partial) > 0 {
		s.partial = append(s.partial, tail...)
		line = s.partial
	}
	line = bytes.TrimSuffix(line, []byte("\r"))
	if len(line) > s.max {
		s.dropped++
	} else {
		s.onLine(line)
	}
	s.resetPartial()
}

// drop discards the current line and the rest of it still to come.
func (s *LineSplitter) drop() {
	s.dropped++
	s.skipping = true
	s.resetPartial()
}

// resetPartial empties the line buffer and frees it when a long line grew it,
// so one large record does not pin its memory for the splitter's lifetime.
func (s *LineSplitter) resetPartial() {
	if cap(s.partial) > 64<<10 {
		s.partial = nil
		return
	}
	s.partial = s.partial[:0]
}
