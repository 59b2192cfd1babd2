package tui

import (
	"bytes"
	"fmt"
	"io"
)

// ANSI sequences the frame uses.
const (
	hideCursor = "\x1b[?25l"
	showCursor = "\x1b[?25h"
	clearLine  = "\x1b[K" // erase from the cursor to the end of the line
	clearBelow = "\x1b[J" // erase from the cursor to the end of the screen
)

// Frame redraws a block of lines in place at the bottom of a terminal.
// Each Draw moves the cursor back to the first line of the previous
// drawing and overwrites it line by line, in a single write, so the
// terminal never shows a blank or half-cleared block.
type Frame struct {
	out   io.Writer
	drawn int // lines written by the last Draw
}

// NewFrame returns a Frame that writes to out.
func NewFrame(out io.Writer) *Frame {
	return &Frame{out: out}
}

// Draw replaces the previous drawing with lines. Lines must be no wider
// than the terminal, because a wrapped line would shift the block.
func (f *Frame) Draw(lines []string) error {
	_, err := f.out.Write(f.encode(lines))
	if err != nil {
		return fmt.Errorf("draw the table: %w", err)
	}
	f.drawn = len(lines)
	return nil
}

// encode returns the bytes that overwrite the previous drawing with lines.
func (f *Frame) encode(lines []string) []byte {
	var b bytes.Buffer
	b.WriteString(hideCursor)
	b.WriteString("\r")
	if f.drawn > 0 {
		fmt.Fprintf(&b, "\x1b[%dA", f.drawn)
	}
	for _, line := range lines {
		b.WriteString(line)
		b.WriteString(clearLine)
		b.WriteString("\n")
	}
	b.WriteString(clearBelow)
	b.WriteString(showCursor)
	return b.Bytes()
}

// Forget makes the next Draw start below the current drawing instead of
// over it, leaving the last drawing on the terminal.
func (f *Frame) Forget() {
	f.drawn = 0
}
