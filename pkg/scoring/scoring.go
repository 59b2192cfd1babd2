// Package scoring judges the productivity of one agent instance. It is pure:
// callers pass in what they measured and the current time, and get back a
// score from 0 to 100, the parts it is made of, and a verdict. Nothing here
// reads a clock, a file or a process.
package scoring

import (
	"fmt"
	"time"
)

// Thresholds are the limits a verdict is taken against.
type Thresholds struct {
	// IdleTimeout is how long an instance may show no activity at all
	// before it is killed as idle. Zero means 30 s.
	IdleTimeout time.Duration
	// UnproductiveFor is how long the score may stay below MinScore before
	// the instance is killed as unproductive. Zero means 2 min.
	UnproductiveFor time.Duration
	// MinScore is the score under which an instance counts as unproductive.
	// Zero means 20.
	MinScore int
	// Window is the span over which output and file activity are summed.
	// Zero means 60 s.
	Window time.Duration
}

// DefaultThresholds returns the defaults: idle 30 s, unproductive after
// 2 min under 20, a 60 s activity window.
func DefaultThresholds() Thresholds {
	return Thresholds{}.WithDefaults()
}

// WithDefaults returns th with every zero field set to its default.
func (th Thresholds) WithDefaults() Thresholds {
	if th.IdleTimeout <= 0 {
		th.IdleTimeout = 30 * time.Second
	}
	if th.UnproductiveFor <= 0 {
		th.UnproductiveFor = 2 * time.Minute
	}
	if th.MinScore <= 0 {
		th.MinScore = 20
	}
	if th.Window <= 0 {
		th.Window = time.Minute
	}
	return th
}

// Validate reports a threshold that cannot work.
func (th Thresholds) Validate() error {
	if th.MinScore > 100 {
		return fmt.Errorf("minimum score %d is above 100: use a value from 1 to 100", th.MinScore)
	}
	if th.IdleTimeout < 0 || th.UnproductiveFor < 0 || th.Window < 0 {
		return fmt.Errorf("thresholds must not be negative: idle %s, unproductive %s, window %s",
			th.IdleTimeout, th.UnproductiveFor, th.Window)
	}
	return nil
}

// Sample holds the measurements of an instance since the previous sample.
type Sample struct {
	At time.Time
	// ChangedLines counts screen rows that changed in a meaningful way:
	// spinner frames and counters do not count.
	ChangedLines int
	// FilesCreated and FilesModified count source-file events in the
	// workspace.
	FilesCreated  int
	FilesModified int
	// Input is true when someone typed into the instance's terminal.
	Input bool
	// ToolUses counts the agent's tool calls, read from its transcript or
	// output stream. Each counts as activity and as output.
	ToolUses int
}

func (s Sample) active() bool {
	return s.ChangedLines > 0 || s.FilesCreated > 0 || s.FilesModified > 0 || s.Input || s.ToolUses > 0
}
