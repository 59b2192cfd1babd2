package screen

// maxHeldSpaces bounds the whitespace a PlainText keeps pending, so a long
// cursor move to the right cannot inflate the text.
const maxHeldSpaces = 256

type plainState int

const (
	plainGround       plainState = iota
	plainEscape                  // after ESC
	plainEscapeInter             // after ESC and an intermediate byte, as in ESC ( B
	plainCSI                     // inside ESC [ ... up to the final byte
	plainString                  // inside OSC, DCS, SOS, PM or APC, up to BEL or ST
	plainStringEscape            // ESC inside a string: ST or a new sequence
)

// PlainText converts raw terminal output to plain text as it arrives, without
// a terminal emulator. Escape sequences are removed. TUIs such as Claude Code
// draw with cursor moves where a printer would write newlines and spaces, so a
// move to another row (CUU, CUD, CNL, CPL, CUP, HVP, VPA, IND, NEL, RI) ends
// the current line. A move to the right (CUF, or CHA and HPA to a later
// column) becomes spaces. Columns are counted in runes, so wide characters
// shift the spaces a CHA adds. CR LF becomes LF. A lone CR ends the line, so
// text redrawn over a line (a progress counter) appears as successive lines
// instead of running together. Runs of empty lines collapse
// to one, because TUIs also move down with newlines. Trailing whitespace of a
// line and other control characters are dropped. Bytes of 0x80 and above pass
// through unchanged, so UTF-8 text stays intact, and the 8-bit C1 forms of the
// sequences are not recognised.
//
// A PlainText keeps its state between calls, so a sequence split across two
// writes is still removed. The zero value is ready to use. It is not safe for
// concurrent use.
type PlainText struct {
	state        plainState
	param        int    // first numeric parameter of the CSI sequence being read
	paramDone    bool   // a ';' ended the first parameter
	pendingSpace []byte // whitespace not yet written, dropped at the end of a line
	col          int    // cursor column in runes, counting pending whitespace
	lineHasText  bool
	pendingCR    bool
	newlines     int // newlines written since the last text
}

// Append converts p and appends the text to dst. An incomplete sequence or
// trailing whitespace at the end of p is kept until a later call decides it.
func (c *PlainText) Append(dst, p []byte) []byte {
	for i := 0; i < len(p); i++ {
		b := p[i]
		if c.state == plainGround && isPrintable(b) {
			n, runes := printableRun(p[i:])
			dst = c.text(dst, p[i:i+n], runes)
			i += n - 1
			continue
		}
		switch c.state {
		case plainGround:
			dst = c.ground(dst, b)
		case plainEscape:
			dst = c.escape(dst, b)
		case plainEscapeInter:
			c.escapeInter(b)
		case plainCSI:
			dst = c.csi(dst, b)
		case plainString:
			c.inString(b)
		case plainStringEscape:
			if b == '\\' {
				c.state = plainGround
				continue
			}
			// ESC followed by anything but '\' ends the string and starts a
			// new sequence.
			dst = c.escape(dst, b)
		}
	}
	return dst
}

// ground handles a byte outside any sequence that is not printable; Append
// copies runs of printable bytes itself.
func (c *PlainText) ground(dst []byte, b byte) []byte {
	switch {
	case b == asciiESC:
		c.state = plainEscape
	case b == '\n':
		dst = c.newline(dst)
	case b == '\r':
		c.pendingSpace = c.pendingSpace[:0]
		c.col = 0
		c.pendingCR = true
	case b == ' ' || b == '\t':
		c.hold(b, 1)
	}
	// BEL, BS, DEL and the other controls draw nothing.
	return dst
}

// isPrintable reports whether b is drawn as text: not a control, not DEL and
// not whitespace. Bytes of UTF-8 sequences count as printable.
func isPrintable(b byte) bool { return b > ' ' && b != 0x7f }

// text appends the printable bytes run, which holds the given number of
// runes, after the whitespace pending before it.
func (c *PlainText) text(dst, run []byte, runes int) []byte {
	if c.pendingCR && c.lineHasText {
		// Text after a lone CR overwrites the line on a terminal. It goes
		// on a line of its own here, so neither text is lost.
		dst = append(dst, '\n')
	}
	c.pendingCR = false
	dst = append(dst, c.pendingSpace...)
	c.pendingSpace = c.pendingSpace[:0]
	c.col += runes
	c.lineHasText = true
	c.newlines = 0
	return append(dst, run...)
}

// newline writes a newline from the output, unless it would make a second
// empty line in a row.
func (c *PlainText) newline(dst []byte) []byte {
	c.pendingSpace = c.pendingSpace[:0]
	c.col = 0
	c.pendingCR = false
	c.lineHasText = false
	if c.newlines >= 2 {
		return dst
	}
	c.newlines++
	return append(dst, '\n')
}

func (c *PlainText) escape(dst []byte, b byte) []byte {
	c.state = plainGround
	switch {
	case b == '[':
		c.state, c.param, c.paramDone = plainCSI, 0, false
	case b == ']' || b == 'P' || b == 'X' || b == '^' || b == '_':
		c.state = plainString
	case b == 'D' || b == 'E' || b == 'M':
		dst = c.endLine(dst)
	case b >= 0x20 && b <= 0x2f:
		c.state = plainEscapeInter
	case b == asciiESC:
		c.state = plainEscape
	}
	return dst
}

func (c *PlainText) escapeInter(b byte) {
	switch {
	case b == asciiESC:
		c.state = plainEscape
	case b == asciiCAN || b == asciiSUB || b >= 0x30:
		c.state = plainGround
	}
}

func (c *PlainText) csi(dst []byte, b byte) []byte {
	switch {
	case b >= '0' && b <= '9':
		if !c.paramDone && c.param < 10000 {
			c.param = c.param*10 + int(b-'0')
		}
	case b == ';' || b == ':':
		c.paramDone = true
	case b == asciiESC:
		c.state = plainEscape
	case b == asciiCAN || b == asciiSUB:
		c.state = plainGround
	case b >= 0x40 && b <= 0x7e:
		c.state = plainGround
		dst = c.csiFinal(dst, b)
	}
	// Intermediate bytes, private markers and controls inside the sequence
	// change nothing here.
	return dst
}

func (c *PlainText) csiFinal(dst []byte, final byte) []byte {
	switch final {
	case 'A', 'B', 'E', 'F', 'H', 'f', 'd':
		return c.endLine(dst)
	case 'C':
		c.hold(' ', max(c.param, 1))
	case 'G', '`':
		c.moveToColumn(max(c.param, 1) - 1)
	}
	return dst
}

func (c *PlainText) inString(b byte) {
	switch b {
	case asciiBEL, asciiCAN, asciiSUB:
		c.state = plainGround
	case asciiESC:
		c.state = plainStringEscape
	}
}

// endLine ends the current line if it has text, and drops held whitespace.
func (c *PlainText) endLine(dst []byte) []byte {
	if !c.lineHasText {
		c.pendingSpace = c.pendingSpace[:0]
		c.col = 0
		c.pendingCR = false
		return dst
	}
	return c.newline(dst)
}

// moveToColumn holds the spaces up to column, counted from 0. A move back
// over text holds one space, so the text drawn there does not join the text
// before it.
func (c *PlainText) moveToColumn(column int) {
	switch {
	case column > c.col:
		c.hold(' ', column-c.col)
	case column < c.col && c.lineHasText && len(c.pendingSpace) == 0:
		c.hold(' ', 1)
	}
}

// hold keeps n copies of the whitespace byte b until text follows on the
// same line.
func (c *PlainText) hold(b byte, n int) {
	for range min(n, maxHeldSpaces-len(c.pendingSpace)) {
		c.pendingSpace = append(c.pendingSpace, b)
		c.col++
		if b == '\t' {
			// A tab moves to the next multiple of 8, counted from 0.
			c.col = (c.col + 7) / 8 * 8
		}
	}
}
