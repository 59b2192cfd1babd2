package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// planEchoInput prints "ready>", then reads stdin line by line. It prints
// "got: LINE" for each line and appends the line to input.txt, until the
// line "quit" or the end of stdin.
func planEchoInput(arg string, hasArg bool) (step, error) {
	if err := noArg(hasArg); err != nil {
		return nil, err
	}
	return func() error {
		fmt.Println("ready>")
		return echoLines(bufio.NewReader(os.Stdin))
	}, nil
}

func echoLines(in *bufio.Reader) error {
	lines := lineReader{in: in}
	for {
		line, err := lines.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read stdin: %w", err)
		}
		if line == "quit" {
			return nil
		}
		fmt.Printf("got: %s\n", line)
		if err := appendLine("input.txt", line); err != nil {
			return err
		}
	}
}

// lineReader splits input at "\r" or "\n". A terminal in raw mode sends "\r"
// for Enter, a pipe or a terminal in canonical mode delivers "\n", and "\r\n"
// counts as one line end.
type lineReader struct {
	in      *bufio.Reader
	afterCR bool // the previous line ended with "\r"
}

// Next returns the next line without its terminator. A last line without a
// terminator is returned before io.EOF.
func (r *lineReader) Next() (string, error) {
	var line strings.Builder
	for {
		b, err := r.in.ReadByte()
		if err != nil {
			if errors.Is(err, io.EOF) && line.Len() > 0 {
				return line.String(), nil
			}
			return "", err
		}
		afterCR := r.afterCR
		r.afterCR = b == '\r'
		switch {
		case b == '\n' && afterCR && line.Len() == 0:
			continue
		case b == '\r' || b == '\n':
			return line.String(), nil
		}
		line.WriteByte(b)
	}
}

func appendLine(path, line string) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("open %s to append input: %w", path, err)
	}
	if _, err := f.WriteString(line + "\n"); err != nil {
		f.Close()
		return fmt.Errorf("append input to %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", path, err)
	}
	return nil
}
