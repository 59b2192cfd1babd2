package screen

import "bytes"

// maxOSCPayload bounds the payload an oscFilter buffers. A longer OSC
// sequence is dropped whole.
const maxOSCPayload = 64 << 10

const (
	asciiBEL = 0x07
	asciiESC = 0x1b
	asciiCAN = 0x18
	asciiSUB = 0x1a
)

type oscState int

const (
	oscGround    oscState = iota
	oscGroundEsc          // ESC seen outside an OSC sequence, not yet forwarded
	oscString             // inside ESC ] ... collecting the payload
	oscStringEsc          // ESC seen inside the payload: ST or the end of the sequence
)

// oscFilter takes OSC sequences out of the byte stream before it reaches the
// emulator. The parser of charmbracelet/x/vt v0.1.0 reads byte 0x9C inside an
// OSC payload as the C1 string terminator, even when it is part of a UTF-8
// rune. Claude Code's title "✳ Claude Code" contains E2 9C B3, so the title
// is cut to one byte and the rest of it is printed onto the screen.
//
// The filter sets the title itself from OSC 0 and 2 and drops OSC 1 (icon
// name), so those never reach the emulator. Other OSC sequences go to the
// emulator with every non-ASCII byte replaced by '?', so the emulator still
// replies to queries such as OSC 11 (background colour). The 8-bit C1 forms of OSC and
// ST are not recognised: UTF-8 programs use the 7-bit forms. Only the
// goroutine that runs Run uses a filter.
type oscFilter struct {
	state    oscState
	payload  []byte
	discard  bool // the payload exceeded maxOSCPayload
	out      []byte
	setTitle func(string)
}

// Filter returns the bytes of p that go to the emulator. An incomplete
// sequence at the end of p is kept until the next call. The returned slice is
// valid until the next call.
func (f *oscFilter) Filter(p []byte) []byte {
	f.out = f.out[:0]
	for len(p) > 0 {
		if f.state == oscGround {
			i := bytes.IndexByte(p, asciiESC)
			if i < 0 {
				f.out = append(f.out, p...)
				return f.out
			}
			f.out = append(f.out, p[:i]...)
			f.state = oscGroundEsc
			p = p[i+1:]
			continue
		}
		f.step(p[0])
		p = p[1:]
	}
	return f.out
}

// Reset drops a partial sequence, used when bytes before it were skipped.
func (f *oscFilter) Reset() {
	f.state = oscGround
	f.payload = f.payload[:0]
	f.discard = false
}

func (f *oscFilter) step(b byte) {
	switch f.state {
	case oscGround:
		if b == asciiESC {
			f.state = oscGroundEsc
			return
		}
		f.out = append(f.out, b)
	case oscGroundEsc:
		if b == ']' {
			f.state = oscString
			return
		}
		f.out = append(f.out, asciiESC)
		f.state = oscGround
		f.step(b)
	case oscString:
		f.stepString(b)
	case oscStringEsc:
		f.dispatch('\\')
		if b != '\\' {
			// The ESC ended the payload and starts a new sequence.
			f.state = oscGroundEsc
			f.step(b)
		}
	}
}

func (f *oscFilter) stepString(b byte) {
	switch b {
	case asciiBEL:
		f.dispatch(asciiBEL)
	case asciiESC:
		f.state = oscStringEsc
	case asciiCAN, asciiSUB:
		f.Reset()
	default:
		if len(f.payload) >= maxOSCPayload {
			f.discard = true
			return
		}
		f.payload = append(f.payload, b)
	}
}

// dispatch handles a complete payload. terminator is BEL or '\\' for ST.
func (f *oscFilter) dispatch(terminator byte) {
	payload, discard := f.payload, f.discard
	f.Reset()
	if discard {
		return
	}
	command, text, _ := bytes.Cut(payload, []byte{';'})
	switch string(command) {
	case "0", "2":
		f.setTitle(string(text))
		return
	case "1":
		return
	}
	f.out = append(f.out, asciiESC, ']')
	for _, c := range payload {
		if c >= 0x80 {
			c = '?'
		}
		f.out = append(f.out, c)
	}
	if terminator == asciiBEL {
		f.out = append(f.out, asciiBEL)
	} else {
		f.out = append(f.out, asciiESC, '\\')
	}
}
