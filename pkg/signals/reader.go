package signals

import (
	"slices"
	"strings"
	"time"

	"github.com/axiom-mcp/axiom-mcp/pkg/proctree"
	"github.com/axiom-mcp/axiom-mcp/pkg/profile"
	"github.com/axiom-mcp/axiom-mcp/pkg/scoring"
	"github.com/axiom-mcp/axiom-mcp/pkg/screen"
	"github.com/axiom-mcp/axiom-mcp/pkg/upstream"
)

// FileCounts are the running totals of counted file events in a workspace.
type FileCounts struct {
	Created, Modified, Deleted int
}

// Observation is the raw view of one instance at one tick.
type Observation struct {
	// At is the time of the tick.
	At time.Time
	// Lines is the rendered screen, one string per row.
	Lines []string
	// Files are the totals of counted file events since the start.
	Files FileCounts
	// Tools counts the tool calls reported since the previous tick.
	Tools map[scoring.ToolKind]int
	// Upstream is a failure of the model API that the transcript or the
	// output stream reported since the previous tick, or nil.
	Upstream *scoring.Upstream
	// State is the agent's state.
	State scoring.AgentState
	// CPUTicks is the CPU time of the agent's descendants since they
	// started, in clock ticks of proctree.ClockTicks per second.
	CPUTicks uint64
	// Answered is true when keys were sent to a dialog since the previous
	// tick.
	Answered bool
	// Output is the number of bytes the agent wrote to its terminal since
	// the previous tick.
	Output int64
	// IgnoreScreenErrors is true while the screen shows history that the
	// agent redrew, such as the earlier turns of a resumed session, whose
	// error lines name no new failure.
	IgnoreScreenErrors bool
}

// Reading is the result of reading one observation.
type Reading struct {
	// Sample is the input of the scoring tracker.
	Sample scoring.Sample
	// ScreenUpstream is a failure of the model API named by a line that
	// appeared on screen since the previous tick, or nil. A line that only
	// announces a retry names no failure and is not reported here.
	ScreenUpstream *scoring.Upstream
}

// Reader remembers what one instance showed at the previous tick. Use one
// Reader per instance; it is not safe for concurrent use.
type Reader struct {
	prof      *profile.Profile
	prevLines []string
	prevFiles FileCounts
	progress  profile.Progress
	cpuTicks  uint64
	cpuAt     time.Time
}

// NewReader returns a Reader for an agent run with prof. The profile's
// progress rule separates a thinking model from a stalled one.
func NewReader(prof *profile.Profile) *Reader {
	return &Reader{prof: prof}
}

// Read returns the sample for o and remembers o for the next tick.
// TODO: MeaningfulChanges normalises the previous rows again on every tick;
// keeping them normalised would save about half of a tick's cost.
func (r *Reader) Read(o Observation) Reading {
	sample := scoring.Sample{
		At:            o.At,
		ChangedLines:  screen.MeaningfulChanges(r.prevLines, o.Lines),
		FilesCreated:  max(0, o.Files.Created-r.prevFiles.Created),
		FilesModified: max(0, o.Files.Modified-r.prevFiles.Modified),
		FilesDeleted:  max(0, o.Files.Deleted-r.prevFiles.Deleted),
		Tools:         o.Tools,
		State:         o.State,
		Thinking:      r.thinking(o.Lines),
		Upstream:      o.Upstream,
		Answered:      o.Answered,
		OutputBytes:   o.Output,
	}
	var fromScreen *scoring.Upstream
	if sample.Upstream == nil && !o.IgnoreScreenErrors {
		sample.Upstream, fromScreen = r.screenUpstream(o.Lines, o.At)
	}
	sample.CPU, sample.Interval = r.cpu(o.CPUTicks, o.At)
	r.prevLines, r.prevFiles = o.Lines, o.Files
	return Reading{Sample: sample, ScreenUpstream: fromScreen}
}

// thinking reports whether the profile's progress indicator advanced since
// the last tick: a model that thinks shows a rising timer or token count
// while it prints nothing else. Claude Code 2.1.197 marks received tokens
// with "↓": when that count stays while the timer rises, the stream has
// stalled, and a stall is not thinking.
func (r *Reader) thinking(lines []string) bool {
	progress, ok := r.prof.Progress(lines)
	prev := r.progress
	r.progress = progress
	if !ok {
		return false
	}
	if progress.Tokens > prev.Tokens {
		return true
	}
	stalled := strings.Contains(progress.Line, "↓") && progress.Tokens > 0 && progress.Tokens == prev.Tokens
	return progress.Seconds > prev.Seconds && !stalled
}

// screenUpstream returns the failure of the model API on a line that was
// not on screen at the previous tick, so an old error line does not pause
// the instance again. The second result is the same failure when the line
// names one, and nil for a line that only announces a retry.
func (r *Reader) screenUpstream(lines []string, now time.Time) (*scoring.Upstream, *scoring.Upstream) {
	for _, line := range lines {
		if line == "" || slices.Contains(r.prevLines, line) {
			continue
		}
		if e, ok := upstream.Classify(line, now); ok {
			u := FromError(e, now)
			return u, u
		}
		if u := Retrying(line, now); u != nil {
			return u, nil
		}
	}
	return nil, nil
}

// cpu returns the CPU time used since the last tick, and the time since the
// last tick. Both are zero at the first tick.
func (r *Reader) cpu(ticks uint64, now time.Time) (time.Duration, time.Duration) {
	used, interval := time.Duration(0), time.Duration(0)
	if !r.cpuAt.IsZero() {
		if ticks > r.cpuTicks {
			used = time.Duration(ticks-r.cpuTicks) * time.Second / proctree.ClockTicks
		}
		interval = now.Sub(r.cpuAt)
	}
	r.cpuTicks, r.cpuAt = ticks, now
	return used, interval
}
