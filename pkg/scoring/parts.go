package scoring

import (
	"fmt"
	"time"
)

// windowSums contains the sums of the events in the window.
type windowSums struct {
	lines, files int
	tools        toolCounts
	cpu          time.Duration
}

func (t *Tracker) sumWindow() windowSums {
	var sums windowSums
	for _, e := range t.events {
		sums.lines += e.lines
		sums.files += e.files
		sums.tools.addAll(e.tools)
		sums.cpu += e.cpu
	}
	return sums
}

// parts returns the five positive parts and the penalties that apply. A
// window with a file event or a code tool call counts as implementation.
// Without implementation, output earns at most OutputMax/4, and a research
// or planning penalty may apply. The calls a penalty punishes earn no tool
// points while it applies.
func (t *Tracker) parts(now time.Time) []Part {
	sums := t.sumWindow()
	implementing := sums.files > 0 || sums.tools.code > 0
	researchPenalty := !implementing && sums.tools.research >= t.w.ResearchLimit
	planningPenalty := !implementing && sums.tools.planning >= t.w.PlanningLimit

	parts := []Part{
		t.outputPart(sums.lines, implementing),
		t.filesPart(sums.files),
		t.toolsPart(sums.tools, researchPenalty, planningPenalty),
		t.cpuPart(sums.cpu),
		t.recencyPart(now),
	}
	if researchPenalty {
		parts = append(parts, Part{
			Name:   "research-penalty",
			Points: -t.w.ResearchPenalty,
			Reason: fmt.Sprintf("%d research tool calls in the last %s (limit %d) with no code tool call and no file event",
				sums.tools.research, seconds(t.th.Window), t.w.ResearchLimit),
		})
	}
	if planningPenalty {
		parts = append(parts, Part{
			Name:   "planning-penalty",
			Points: -t.w.PlanningPenalty,
			Reason: fmt.Sprintf("%d planning tool calls in the last %s (limit %d) with no code tool call and no file event",
				sums.tools.planning, seconds(t.th.Window), t.w.PlanningLimit),
		})
	}
	return parts
}

func (t *Tracker) outputPart(lines int, implementing bool) Part {
	part := Part{
		Name:   "output",
		Points: min(t.w.OutputMax, lines*t.w.OutputPerLine),
		Max:    t.w.OutputMax,
		Reason: fmt.Sprintf("%s in the last %s at %d points each",
			counted(lines, "changed screen line"), seconds(t.th.Window), t.w.OutputPerLine),
	}
	if !implementing {
		limit := t.w.OutputMax / 4
		part.Points = min(part.Points, limit)
		part.Reason += fmt.Sprintf(", at most %d without a file event or a code tool call", limit)
	}
	return part
}

func (t *Tracker) filesPart(files int) Part {
	return Part{
		Name:   "files",
		Points: min(t.w.FilesMax, files*t.w.FilePoints),
		Max:    t.w.FilesMax,
		Reason: fmt.Sprintf("%s created, modified or deleted in the last %s at %d points each",
			counted(files, "source file"), seconds(t.th.Window), t.w.FilePoints),
	}
}

// counted returns n and noun, with an s after noun unless n is 1.
func counted(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func (t *Tracker) toolsPart(calls toolCounts, researchPenalty, planningPenalty bool) Part {
	research, planning := calls.research*t.w.ResearchToolPoints, calls.planning*t.w.PlanningToolPoints
	reason := fmt.Sprintf("%d code, %d run, %d research, %d planning and %d other tool calls in the last %s",
		calls.code, calls.run, calls.research, calls.planning, calls.other, seconds(t.th.Window))
	if researchPenalty {
		research = 0
		reason += "; research calls earn nothing under the research penalty"
	}
	if planningPenalty {
		planning = 0
		reason += "; planning calls earn nothing under the planning penalty"
	}
	points := calls.code*t.w.CodeToolPoints + calls.run*t.w.RunToolPoints + research + planning +
		calls.other*t.w.OtherToolPoints
	return Part{Name: "tools", Points: min(t.w.ToolsMax, points), Max: t.w.ToolsMax, Reason: reason}
}

func (t *Tracker) cpuPart(cpu time.Duration) Part {
	points := roundedRatio(cpu.Milliseconds()*int64(t.w.CPUPointsPerSecond), 1000)
	return Part{
		Name:   "cpu",
		Points: min(t.w.CPUMax, points),
		Max:    t.w.CPUMax,
		Reason: fmt.Sprintf("%.1f s of CPU in samples at or above %s of a core in the last %s, at %d points a second",
			cpu.Seconds(), percent(t.th.CPUActive), seconds(t.th.Window), t.w.CPUPointsPerSecond),
	}
}

// recencyPart falls from RecencyMax right after a file event or a tool call
// to 0 at the idle timeout. Screen output, thinking and CPU do not refresh
// it, so a chatty agent, a thinking model and a silent build lose it.
func (t *Tracker) recencyPart(now time.Time) Part {
	since := max(0, now.Sub(t.lastWork))
	left := max(0, t.th.IdleTimeout-since)
	points := roundedRatio(int64(t.w.RecencyMax)*left.Milliseconds(), t.th.IdleTimeout.Milliseconds())
	return Part{
		Name:   "recency",
		Points: max(0, min(t.w.RecencyMax, points)),
		Max:    t.w.RecencyMax,
		Reason: fmt.Sprintf("last file event or tool call %s ago, worth 0 at the idle timeout %s",
			seconds(since), seconds(t.th.IdleTimeout)),
	}
}

// roundedRatio returns num/den rounded half up, or 0 when den is not
// positive. Integer milliseconds keep the points exact where float64 would
// round 1.5 down to 1.4999.
func roundedRatio(num, den int64) int {
	if den <= 0 {
		return 0
	}
	return int((2*num + den) / (2 * den))
}

func seconds(d time.Duration) string {
	return d.Round(time.Second).String()
}

func percent(share float64) string {
	return fmt.Sprintf("%.0f%%", share*100)
}
