package tui

import (
	"context"
	"os"
	"time"

	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
)

// RedrawInterval is how often the live table is drawn.
const RedrawInterval = 500 * time.Millisecond

// StatusFunc returns the current status of a pool.
type StatusFunc func() (executor.Status, error)

// Live draws the live table of a pool on a terminal.
type Live struct {
	Out    *os.File
	Title  string
	Status StatusFunc
	// Events, when not nil, delivers pool events. The last few that are
	// not debug events show below the table.
	Events <-chan executor.Event

	frame   *Frame
	history *History
	recent  []string
}

// Run redraws the table every RedrawInterval until ctx is done, then draws
// it a last time and leaves it on the terminal.
func (l *Live) Run(ctx context.Context) error {
	l.frame = NewFrame(l.Out)
	l.history = NewHistory()
	ticker := time.NewTicker(RedrawInterval)
	defer ticker.Stop()
	events := l.Events
	if err := l.draw(); err != nil {
		return err
	}
	for {
		select {
		case <-ctx.Done():
			err := l.draw()
			l.frame.Forget()
			return err
		case ev, ok := <-events:
			if !ok {
				events = nil
				continue
			}
			l.note(ev)
		case <-ticker.C:
			if err := l.draw(); err != nil {
				return err
			}
		}
	}
}

// note keeps ev among the recent events when it is not a debug event.
func (l *Live) note(ev executor.Event) {
	if ev.Level == executor.LevelDebug {
		return
	}
	l.recent = append(l.recent, FormatEvent(ev))
	if len(l.recent) > maxEventLines {
		l.recent = l.recent[len(l.recent)-maxEventLines:]
	}
}

func (l *Live) draw() error {
	st, err := l.Status()
	if err != nil {
		return err
	}
	l.history.Record(st)
	width, height := Size(l.Out)
	view := View{Title: l.Title, Pool: st.Pool, Rows: Rows(st, l.history), Events: l.recent, Selected: -1}
	return l.frame.Draw(Compose(view, width, height-1))
}
