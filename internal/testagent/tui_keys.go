package main

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// keyKind is the kind of one key read from the terminal.
type keyKind int

const (
	keyText      keyKind = iota // typed printable characters
	keyPaste                    // text between bracketed-paste markers
	keyEnter                    // carriage return or line feed
	keyUp                       // cursor up, ESC [ A
	keyDown                     // cursor down, ESC [ B
	keyEsc                      // a lone escape byte
	keyBackspace                // DEL or BS
	keyInterrupt                // Ctrl-C, which raw mode delivers as a byte
)

// key is one key, or one paste, read from the terminal.
type key struct {
	kind keyKind
	text string // the characters of keyText and keyPaste
}

// Bracketed-paste markers around pasted text.
const (
	pasteStart = "\x1b[200~"
	pasteEnd   = "\x1b[201~"
)

// keyParser splits terminal input into keys. It keeps an incomplete escape
// sequence or paste until the next chunk completes it.
type keyParser struct {
	pending []byte
}

// feed parses data after what is pending and returns the complete keys.
func (p *keyParser) feed(data []byte) []key {
	buf := append(p.pending, data...)
	p.pending = nil
	var keys []key
	for len(buf) > 0 {
		k, n, ok := nextKey(buf)
		if n == 0 {
			p.pending = bytes.Clone(buf)
			break
		}
		if ok {
			keys = append(keys, k)
		}
		buf = buf[n:]
	}
	return keys
}

// nextKey parses the key at the start of buf. It returns the bytes it
// consumed, which are zero when buf contains only part of a key, and whether
// they make a key. Unknown control bytes and escape sequences make none.
func nextKey(buf []byte) (key, int, bool) {
	switch b := buf[0]; {
	case b == 0x1b:
		return nextEscape(buf)
	case b == '\r' || b == '\n':
		return key{kind: keyEnter}, 1, true
	case b == 0x7f || b == 0x08:
		return key{kind: keyBackspace}, 1, true
	case b == 0x03:
		return key{kind: keyInterrupt}, 1, true
	case b < 0x20:
		return key{}, 1, false
	}
	n := 0
	for n < len(buf) && buf[n] >= 0x20 && buf[n] != 0x7f {
		n++
	}
	return key{kind: keyText, text: string(buf[:n])}, n, true
}

// nextEscape parses a CSI sequence (ESC [, parameter bytes, a final byte
// from 0x40 to 0x7E), a whole bracketed paste, or a lone Esc. An escape
// byte at the end of buf is taken as the Esc key, because a terminal sends
// each key sequence in one write.
func nextEscape(buf []byte) (key, int, bool) {
	if len(buf) == 1 || buf[1] != '[' {
		return key{kind: keyEsc}, 1, true
	}
	final := 2
	for final < len(buf) && (buf[final] < 0x40 || buf[final] > 0x7e) {
		final++
	}
	if final == len(buf) {
		return key{}, 0, false
	}
	size := final + 1
	switch string(buf[:size]) {
	case pasteStart:
		end := bytes.Index(buf[size:], []byte(pasteEnd))
		if end < 0 {
			return key{}, 0, false
		}
		return key{kind: keyPaste, text: string(buf[size : size+end])}, size + end + len(pasteEnd), true
	case "\x1b[A":
		return key{kind: keyUp}, size, true
	case "\x1b[B":
		return key{kind: keyDown}, size, true
	}
	return key{}, size, false
}

// readKeys reads keys from r on a goroutine and closes the channel when a
// read fails. The goroutine lives until the program exits, because a
// blocked read from a terminal cannot be interrupted.
func readKeys(r io.Reader) <-chan key {
	keys := make(chan key, 16)
	go func() {
		defer close(keys)
		var parser keyParser
		buf := make([]byte, 4096)
		for {
			n, err := r.Read(buf)
			for _, k := range parser.feed(buf[:n]) {
				keys <- k
			}
			if err != nil {
				return
			}
		}
	}()
	return keys
}

// makeRaw puts the terminal fd in raw mode with the flags that cfmakeraw(3)
// sets, which turn off echo, line editing, signals from keys and output
// processing. The returned function restores the previous settings.
func makeRaw(fd int) (restore func(), err error) {
	saved, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return nil, fmt.Errorf("read terminal settings of stdin (run tui with a terminal on stdin): %w", err)
	}
	raw := *saved
	raw.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
	raw.Oflag &^= unix.OPOST
	raw.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	raw.Cflag &^= unix.CSIZE | unix.PARENB
	raw.Cflag |= unix.CS8
	raw.Cc[unix.VMIN] = 1
	raw.Cc[unix.VTIME] = 0
	if err := unix.IoctlSetTermios(fd, unix.TCSETS, &raw); err != nil {
		return nil, fmt.Errorf("put stdin in raw mode: %w", err)
	}
	return func() { _ = unix.IoctlSetTermios(fd, unix.TCSETS, saved) }, nil
}

// terminalSize returns the columns and rows of the terminal on stdout, or
// 80 x 24 when stdout is not a terminal.
func terminalSize() (cols, rows int) {
	size, err := unix.IoctlGetWinsize(int(os.Stdout.Fd()), unix.TIOCGWINSZ)
	if err != nil || size.Col == 0 || size.Row == 0 {
		return 80, 24
	}
	return int(size.Col), int(size.Row)
}
