package screen

import (
	"slices"
	"strings"
)

// Lines returns the visible rows as plain text without escape codes. Trailing
// spaces of each row and trailing empty rows are dropped.
func (s *Screen) Lines() []string {
	s.renderMu.Lock()
	defer s.renderMu.Unlock()
	if s.emu == nil {
		return slices.Clone(s.final)
	}
	return s.linesLocked()
}

// linesLocked reads the rows of Lines from the emulator. The caller holds
// s.renderMu.
func (s *Screen) linesLocked() []string {
	height, width := s.emu.Height(), s.emu.Width()
	rows := make([]string, height)
	last := -1
	for y := range height {
		rows[y] = s.rowTextLocked(y, width)
		if rows[y] != "" {
			last = y
		}
	}
	return rows[:last+1]
}

// Tail returns the last n non-empty visible rows, or fewer when the screen
// has fewer.
func (s *Screen) Tail(n int) []string {
	if n <= 0 {
		return nil
	}
	var nonEmpty []string
	for _, row := range s.Lines() {
		if row != "" {
			nonEmpty = append(nonEmpty, row)
		}
	}
	return nonEmpty[max(0, len(nonEmpty)-n):]
}

// rowTextLocked reads row y cell by cell. Cells never drawn, including gaps
// left by cursor moves, read as spaces. A wide rune occupies its cell plus
// zero-width continuation cells, which are skipped so that the rune appears
// once. The caller holds s.renderMu.
func (s *Screen) rowTextLocked(y, width int) string {
	var b strings.Builder
	for x := 0; x < width; {
		cell := s.emu.CellAt(x, y)
		if cell == nil || cell.Content == "" {
			b.WriteByte(' ')
			x++
			continue
		}
		b.WriteString(cell.Content)
		x += max(cell.Width, 1)
	}
	return strings.TrimRight(b.String(), " ")
}
