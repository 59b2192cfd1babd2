package tui

import "strings"

// sparkLevels are the eight block heights a sparkline draws with, lowest
// first.
var sparkLevels = []rune("▁▂▃▄▅▆▇█")

// Bar draws score, from 0 to 100, as a bar of width cells: full blocks for
// the filled part and light shade for the rest. Scores outside 0 to 100
// are clamped.
func Bar(score, width int) string {
	if width <= 0 {
		return ""
	}
	score = clampScore(score)
	filled := (score*width + 50) / 100
	return strings.Repeat("█", filled) + strings.Repeat("░", width-filled)
}

// Sparkline draws the last width values, each from 0 to 100, as one block
// per value whose height grows with the value. With fewer values than width
// the line is padded with spaces on the left, so the newest value is
// always in the last cell.
func Sparkline(values []int, width int) string {
	if width <= 0 {
		return ""
	}
	if len(values) > width {
		values = values[len(values)-width:]
	}
	var b strings.Builder
	b.WriteString(strings.Repeat(" ", width-len(values)))
	top := len(sparkLevels) - 1
	for _, v := range values {
		b.WriteRune(sparkLevels[(clampScore(v)*top+50)/100])
	}
	return b.String()
}

func clampScore(score int) int {
	return min(max(score, 0), 100)
}
