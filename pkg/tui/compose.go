package tui

import (
	"fmt"
	"time"

	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
)

// maxEventLines is how many recent events the live view shows below the
// table.
const maxEventLines = 5

// View is the content of one drawing of the live table.
type View struct {
	Title  string
	Pool   executor.PoolInfo
	Rows   []Row
	Events []string
	// Selected is the index of the marked row, or -1 for none.
	Selected int
	// Help is the key help shown on the last line, or "" for none.
	Help string
}

// Compose lays v out in at most height lines of at most width cells: the
// title and pool summary, the table, and the recent events. When the rows
// do not fit, the ones around the selected row are kept and a line counts
// the rest.
func Compose(v View, width, height int) []string {
	lines := []string{truncate(v.Title, width), truncate(Summary(v.Pool), width)}
	footer := make([]string, 0, len(v.Events)+2)
	if len(v.Events) > 0 {
		footer = append(footer, "")
		for _, ev := range v.Events {
			footer = append(footer, truncate(clean(ev), width))
		}
	}
	if v.Help != "" {
		footer = append(footer, truncate(v.Help, width))
	}
	room := height - len(lines) - len(footer) - 1 // the header takes one line
	if room < 1 {
		footer, room = nil, max(height-len(lines)-1, 1)
	}
	if len(v.Rows) > room {
		room = max(room-1, 1) // one line counts the hidden rows
	}
	first, last := visibleRange(len(v.Rows), room, v.Selected)
	lines = append(lines, Header(width))
	for i := first; i < last; i++ {
		lines = append(lines, RenderRow(v.Rows[i], width, i == v.Selected))
	}
	if hidden := len(v.Rows) - (last - first); hidden > 0 {
		lines = append(lines, truncate(fmt.Sprintf("  … %d more rows", hidden), width))
	}
	return append(lines, footer...)
}

// visibleRange returns the rows [first, last) that fit in room lines,
// keeping selected in view.
func visibleRange(count, room, selected int) (first, last int) {
	if count <= room {
		return 0, count
	}
	first = max(0, min(selected-room/2, count-room))
	return first, first + room
}

// FormatEvent returns an event as one log line: time, level, task and
// instance, and message.
func FormatEvent(ev executor.Event) string {
	subject := ev.TaskID
	if ev.InstanceID != "" {
		subject += "/" + ev.InstanceID
	}
	return fmt.Sprintf("%s  %-7s %-22s %s", ev.Time.Format(time.TimeOnly), ev.Level, subject, ev.Message)
}
