package scoring

import (
	"fmt"
	"time"
)

// Verdict is the action the pool should take on an instance.
type Verdict int

// Verdicts, from harmless to final.
const (
	// Keep means the instance is working.
	Keep Verdict = iota
	// Warn means the instance is close to a kill threshold.
	Warn
	// KillIdle means the instance showed no activity for the idle timeout.
	KillIdle
	// KillUnproductive means the score stayed under the minimum too long.
	KillUnproductive
	// NeedsInput means the agent waits for an answer, so its silence is
	// not idleness.
	NeedsInput
	// KillNoAnswer means the agent waited for an answer longer than the
	// input timeout.
	KillNoAnswer
	// Done means the agent finished its task and is being closed.
	Done
)

// String returns the verdict as used in status output and logs.
func (v Verdict) String() string {
	switch v {
	case Keep:
		return "keep"
	case Warn:
		return "warn"
	case KillIdle:
		return "kill-idle"
	case KillUnproductive:
		return "kill-unproductive"
	case NeedsInput:
		return "needs-input"
	case KillNoAnswer:
		return "kill-no-answer"
	case Done:
		return "done"
	default:
		return fmt.Sprintf("verdict(%d)", int(v))
	}
}

// Kill reports whether the verdict ends the instance.
func (v Verdict) Kill() bool { return v == KillIdle || v == KillUnproductive || v == KillNoAnswer }

// Part is one component of a score.
type Part struct {
	Name   string `json:"name"`
	Points int    `json:"points"`
	Max    int    `json:"max"`
	Reason string `json:"reason"`
}

// Result is the judgement of one instance at one moment.
type Result struct {
	Score   int           `json:"score"`
	Parts   []Part        `json:"parts"`
	Verdict Verdict       `json:"-"`
	Reason  string        `json:"reason"`
	IdleFor time.Duration `json:"-"`
}

// Weights of the score parts; they add up to 100.
const (
	outputMax  = 30
	filesMax   = 50
	recencyMax = 20
	// pointsPerLine and pointsPerFile are earned per event in the window,
	// so 10 meaningful lines or 2 file events a minute reach the maximum.
	pointsPerLine = 3
	pointsPerFile = 25
)

// Tracker keeps the recent samples of one instance and judges it. It is not
// safe for concurrent use.
type Tracker struct {
	th           Thresholds
	started      time.Time
	lastActivity time.Time
	lowSince     time.Time
	samples      []Sample
}

// NewTracker starts tracking an instance that started at start.
func NewTracker(th Thresholds, start time.Time) *Tracker {
	return &Tracker{th: th.WithDefaults(), started: start, lastActivity: start}
}

// Observe records a sample.
func (t *Tracker) Observe(s Sample) {
	if s.active() && s.At.After(t.lastActivity) {
		t.lastActivity = s.At
	}
	if s.ChangedLines > 0 || s.FilesCreated > 0 || s.FilesModified > 0 || s.ToolUses > 0 {
		t.samples = append(t.samples, s)
	}
}

// LastActivity returns the time of the last active sample, or the start.
func (t *Tracker) LastActivity() time.Time { return t.lastActivity }

// Evaluate scores the instance at now and returns the verdict.
func (t *Tracker) Evaluate(now time.Time) Result {
	t.dropBefore(now.Add(-t.th.Window))
	lines, files := t.sums()
	idleFor := now.Sub(t.lastActivity)

	parts := []Part{
		outputPart(lines, t.th.Window),
		filesPart(files, t.th.Window),
		recencyPart(idleFor, t.th.IdleTimeout),
	}
	score := 0
	for _, p := range parts {
		score += p.Points
	}
	res := Result{Score: score, Parts: parts, IdleFor: idleFor}
	t.judge(now, &res)
	return res
}

func (t *Tracker) judge(now time.Time, res *Result) {
	if res.Score >= t.th.MinScore {
		t.lowSince = time.Time{}
	} else if t.lowSince.IsZero() {
		t.lowSince = now
	}
	lowFor := time.Duration(0)
	if !t.lowSince.IsZero() {
		lowFor = now.Sub(t.lowSince)
	}

	switch {
	case res.IdleFor >= t.th.IdleTimeout:
		res.Verdict = KillIdle
		res.Reason = fmt.Sprintf("no activity for %s (idle timeout %s)",
			seconds(res.IdleFor), seconds(t.th.IdleTimeout))
	case lowFor >= t.th.UnproductiveFor:
		res.Verdict = KillUnproductive
		res.Reason = fmt.Sprintf("score %d stayed under %d for %s (limit %s)",
			res.Score, t.th.MinScore, seconds(lowFor), seconds(t.th.UnproductiveFor))
	case res.IdleFor >= t.th.IdleTimeout/2:
		res.Verdict = Warn
		res.Reason = fmt.Sprintf("no activity for %s; killed as idle at %s",
			seconds(res.IdleFor), seconds(t.th.IdleTimeout))
	case lowFor >= t.th.UnproductiveFor/2:
		res.Verdict = Warn
		res.Reason = fmt.Sprintf("score %d under %d for %s; killed as unproductive at %s",
			res.Score, t.th.MinScore, seconds(lowFor), seconds(t.th.UnproductiveFor))
	default:
		res.Verdict = Keep
		res.Reason = fmt.Sprintf("score %d, last activity %s ago", res.Score, seconds(res.IdleFor))
	}
}

func (t *Tracker) dropBefore(cutoff time.Time) {
	keep := t.samples[:0]
	for _, s := range t.samples {
		if !s.At.Before(cutoff) {
			keep = append(keep, s)
		}
	}
	t.samples = keep
}

func (t *Tracker) sums() (lines, files int) {
	for _, s := range t.samples {
		lines += s.ChangedLines + s.ToolUses
		files += s.FilesCreated + s.FilesModified
	}
	return lines, files
}

func outputPart(lines int, window time.Duration) Part {
	return Part{
		Name:   "output",
		Points: min(outputMax, lines*pointsPerLine),
		Max:    outputMax,
		Reason: fmt.Sprintf("%d meaningful screen lines and tool calls in the last %s", lines, seconds(window)),
	}
}

func filesPart(files int, window time.Duration) Part {
	return Part{
		Name:   "files",
		Points: min(filesMax, files*pointsPerFile),
		Max:    filesMax,
		Reason: fmt.Sprintf("%d files created or modified in the last %s", files, seconds(window)),
	}
}

func recencyPart(idleFor, idleTimeout time.Duration) Part {
	left := 1 - float64(idleFor)/float64(idleTimeout)
	points := int(float64(recencyMax)*left + 0.5)
	return Part{
		Name:   "recency",
		Points: max(0, min(recencyMax, points)),
		Max:    recencyMax,
		Reason: fmt.Sprintf("last activity %s ago", seconds(idleFor)),
	}
}

func seconds(d time.Duration) string {
	return d.Round(time.Second).String()
}
