// Package tui draws the live instance table that `axiom-mcp run` shows on
// a terminal and that `axiom-mcp top` shows for a running HTTP server.
// Rendering is pure: functions turn rows into lines of text, and Frame
// redraws those lines in place with ANSI escape sequences.
package tui

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Row is one instance in the table.
type Row struct {
	// Instance is the instance id, or "-" for a task that has not started.
	Instance string
	// Task is the task's name, or its id when it has no name.
	Task  string
	State string
	// Score is the latest productivity score from 0 to 100, and History
	// the scores sampled over time, oldest first.
	Score   int
	History []int
	// Files is how many files the instance created.
	Files int
	// LastLine is the last non-empty row of the instance's screen.
	LastLine string
}

// Column widths in cells. The screen column takes what is left of the
// terminal width.
const (
	instanceWidth = 12
	taskWidth     = 16
	stateWidth    = 13
	barWidth      = 10
	sparkWidth    = 20
	filesWidth    = 5
	minLineWidth  = 10
)

// Header returns the column titles, aligned like the lines RenderRow draws.
func Header(width int) string {
	line := fmt.Sprintf("  %s %s %s %s %s %s %s",
		pad("INSTANCE", instanceWidth), pad("TASK", taskWidth), pad("STATE", stateWidth),
		pad("SCORE", barWidth+4), pad("SCORE OVER TIME", sparkWidth), padLeft("FILES", filesWidth), "LAST LINE")
	return truncate(line, width)
}

// RenderRow draws one row in width cells. selected marks the row with a
// leading ">" for the browser of `axiom-mcp top`.
func RenderRow(r Row, width int, selected bool) string {
	marker := "  "
	if selected {
		marker = "> "
	}
	fixed := fmt.Sprintf("%s%s %s %s %s %3d %s %s ",
		marker, pad(r.Instance, instanceWidth), pad(r.Task, taskWidth), pad(r.State, stateWidth),
		Bar(r.Score, barWidth), clampScore(r.Score), Sparkline(r.History, sparkWidth),
		padLeft(fmt.Sprint(r.Files), filesWidth))
	rest := width - utf8.RuneCountInString(fixed)
	if rest < minLineWidth {
		return truncate(fixed, width)
	}
	return fixed + truncate(clean(r.LastLine), rest)
}

// RenderTable draws the header and one line per row, each at most width
// cells. selected is the index of the marked row, or -1 for none.
func RenderTable(rows []Row, width, selected int) []string {
	lines := []string{Header(width)}
	for i, r := range rows {
		lines = append(lines, RenderRow(r, width, i == selected))
	}
	return lines
}

// pad cuts or fills s with spaces to exactly n cells.
func pad(s string, n int) string {
	s = truncate(clean(s), n)
	return s + strings.Repeat(" ", n-utf8.RuneCountInString(s))
}

// padLeft right-aligns s in n cells, cutting it when longer.
func padLeft(s string, n int) string {
	s = truncate(clean(s), n)
	return strings.Repeat(" ", n-utf8.RuneCountInString(s)) + s
}

// truncate cuts s to at most n cells, ending it with "…" when it was cut.
//
// NOTE: it counts one cell per rune, so wide characters such as CJK text
// in a screen line take more cells than counted and may wrap the line.
func truncate(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	runes := []rune(s)
	return string(runes[:n-1]) + "…"
}

// clean replaces control characters with spaces, so that text from an
// agent's screen cannot move the cursor or change colours in the table.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}
