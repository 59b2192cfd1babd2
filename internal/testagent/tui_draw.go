package main

import (
	"fmt"
	"os"
	"strings"
	"time"
)

// Terminal control sequences of the terminal UI.
const (
	clearScreen       = "\x1b[H\x1b[2J"
	bracketedPasteOn  = "\x1b[?2004h"
	bracketedPasteOff = "\x1b[?2004l"
)

// Footers under the input box, in the words of Claude Code 2.1.197 (see the
// claude profile in pkg/profile/defaults.yaml).
const (
	idleFooter = "  ? for shortcuts"
	busyFooter = "  esc to interrupt"
)

// boxLines is how many rows the input box and the lines drawn with it take
// at most, so that the history above it fits the terminal.
const boxLines = 8

var spinnerFrames = []string{"·", "✢", "✳", "✶", "✻", "✽"}

// draw clears the terminal and writes lines from the top, one per row.
func (t *tui) draw(lines []string) {
	writeTerminal(clearScreen + strings.Join(lines, "\r\n"))
}

// writeTerminal writes s to stdout. A failed write is ignored because the
// next read from the same terminal fails too and ends the program.
func writeTerminal(s string) {
	_, _ = os.Stdout.WriteString(s)
}

// recentHistory returns the history lines that fit above the input box.
func (t *tui) recentHistory() []string {
	keep := max(0, t.rows-boxLines)
	start := max(0, len(t.history)-keep)
	return append([]string(nil), t.history[start:]...)
}

// boxScreen is the history, the extra lines, and the input box between two
// full-width rules, with footer below.
func (t *tui) boxScreen(footer string, extra ...string) []string {
	rule := strings.Repeat("─", t.cols)
	lines := append(t.recentHistory(), extra...)
	return append(lines, rule, "❯ "+t.input, rule, footer)
}

// workingScreen is the input box with a spinner line above it and the busy
// footer.
func (t *tui) workingScreen(frame int, elapsed time.Duration) []string {
	glyph := spinnerFrames[frame%len(spinnerFrames)]
	spinner := fmt.Sprintf("%s Baking… (%ds)", glyph, int(elapsed/time.Second))
	return t.boxScreen(busyFooter, spinner)
}

// questionScreen replaces the input box with a question about creating
// name.
func (t *tui) questionScreen(name string) []string {
	return append(t.recentHistory(),
		strings.Repeat("─", t.cols),
		"Do you want to create "+name+"?",
		"❯ 1. Yes",
		"  2. No",
		"",
		"Esc to cancel",
	)
}

// dialogScreen is the startup dialog with option selected (0 or 1) marked.
func dialogScreen(selected int) []string {
	lines := []string{"Pick an option", ""}
	for i, option := range []string{"1. No", "2. Yes"} {
		marker := "  "
		if i == selected {
			marker = "❯ "
		}
		lines = append(lines, marker+option)
	}
	return append(lines, "", "Enter to confirm")
}
