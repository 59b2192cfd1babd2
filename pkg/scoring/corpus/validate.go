package corpus

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/axiom-mcp/axiom-mcp/pkg/scoring"
)

// maxDuration bounds a trace, and with it the samples a run allocates. An
// hour is far past every default kill threshold.
const maxDuration = time.Hour

var (
	knownTools = []scoring.ToolKind{
		scoring.ToolCode, scoring.ToolRun, scoring.ToolResearch, scoring.ToolPlanning, scoring.ToolOther,
	}
	knownStates = []scoring.AgentState{
		scoring.StateStarting, scoring.StateReady, scoring.StateWorking, scoring.StateWaitingInput,
		scoring.StateDialog, scoring.StateTurnFinished, scoring.StateExited,
	}
	knownUpstreams = []scoring.UpstreamKind{
		scoring.UpstreamRateLimited, scoring.UpstreamOverloaded, scoring.UpstreamAuthFailed,
		scoring.UpstreamUsageLimit, scoring.UpstreamPromptTooLong,
	}
)

// Validate returns an error naming the first field of t that is missing or
// invalid, and the first tick on which two segments conflict.
func (t Trace) Validate() error {
	if err := t.validateHeader(); err != nil {
		return err
	}
	if len(t.Segments) == 0 {
		return fmt.Errorf("samples is missing: add at least one segment such as {from: 0s, to: 1s, every: 1s, state: working}")
	}
	for i, seg := range t.Segments {
		if err := seg.validate(t.Duration); err != nil {
			return fmt.Errorf("samples[%d].%w", i, err)
		}
	}
	_, err := t.merge(time.Time{})
	return err
}

func (t Trace) validateHeader() error {
	if strings.TrimSpace(t.Name) == "" {
		return fmt.Errorf("name is missing: give the behaviour a name such as steady-coder")
	}
	allowed, ok := allowedExpects[t.Label]
	if !ok {
		return fmt.Errorf("label %q is invalid: use one of %s", t.Label, labelNames())
	}
	if !slices.Contains(allowed, t.Expect) {
		return fmt.Errorf("expect %q is invalid for label %s: use %s", t.Expect, t.Label, joinNames(allowed))
	}
	if t.Within < 0 {
		return fmt.Errorf("within %s is invalid: use a positive duration, or leave it out for %s", t.Within, defaultWithin)
	}
	if t.Within > 0 && !t.Expect.Kill() {
		return fmt.Errorf("within %s is invalid for expect %s: within applies only to kills, so remove it", t.Within, t.Expect)
	}
	if err := wholeSeconds("duration", t.Duration); err != nil {
		return err
	}
	if t.Duration <= 0 || t.Duration > maxDuration {
		return fmt.Errorf("duration %s is invalid: use whole seconds from 1s to %s", t.Duration, maxDuration)
	}
	return nil
}

// validate returns an error that starts with the name of the bad field, so
// the caller can prefix the segment's index.
func (s Segment) validate(duration time.Duration) error {
	for _, f := range []struct {
		name  string
		value time.Duration
	}{{"from", s.From}, {"to", s.To}, {"every", s.Every}} {
		if err := wholeSeconds(f.name, f.value); err != nil {
			return err
		}
	}
	if s.From < 0 {
		return fmt.Errorf("from %s is invalid: use 0s or later", s.From)
	}
	if s.To <= s.From || s.To > duration {
		return fmt.Errorf("to %s is invalid: use a time after from %s and at most the duration %s", s.To, s.From, duration)
	}
	if s.Every < time.Second {
		return fmt.Errorf("every %s is invalid: use a period of at least 1s", s.Every)
	}
	if err := s.validateCounts(); err != nil {
		return err
	}
	if s.State != scoring.StateUnknown && !slices.Contains(knownStates, s.State) {
		return fmt.Errorf("state %q is invalid: use one of %s", s.State, joinNames(knownStates))
	}
	if s.Upstream != nil {
		return s.Upstream.validate()
	}
	return nil
}

func (s Segment) validateCounts() error {
	for _, f := range []struct {
		name  string
		value int
	}{
		{"changed_lines", s.ChangedLines}, {"files_created", s.FilesCreated},
		{"files_modified", s.FilesModified}, {"files_deleted", s.FilesDeleted},
	} {
		if f.value < 0 {
			return fmt.Errorf("%s %d is invalid: use 0 or more", f.name, f.value)
		}
	}
	for kind, n := range s.Tools {
		if !slices.Contains(knownTools, kind) {
			return fmt.Errorf("tools has unknown kind %q: use one of %s", kind, joinNames(knownTools))
		}
		if n < 0 {
			return fmt.Errorf("tools.%s %d is invalid: use 0 or more", kind, n)
		}
	}
	if s.CPU < 0 {
		return fmt.Errorf("cpu %s is invalid: use a CPU time per sample such as 900ms", s.CPU)
	}
	return nil
}

func (u Upstream) validate() error {
	if !slices.Contains(knownUpstreams, u.Kind) {
		return fmt.Errorf("upstream.kind %q is invalid: use one of %s", u.Kind, joinNames(knownUpstreams))
	}
	if u.Status != 0 && (u.Status < 100 || u.Status > 599) {
		return fmt.Errorf("upstream.status %d is invalid: use an HTTP status such as 429, or leave it out", u.Status)
	}
	if u.ResetAfter < 0 {
		return fmt.Errorf("upstream.reset_after %s is invalid: use a positive duration, or leave it out when unknown", u.ResetAfter)
	}
	return nil
}

func wholeSeconds(name string, d time.Duration) error {
	if d%time.Second != 0 {
		return fmt.Errorf("%s %s is invalid: samples come once a second, so use whole seconds such as %s",
			name, d, d.Truncate(time.Second))
	}
	return nil
}

func labelNames() string {
	names := make([]string, 0, len(allowedExpects))
	for label := range allowedExpects {
		names = append(names, string(label))
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

func joinNames[T ~string](values []T) string {
	names := make([]string, len(values))
	for i, v := range values {
		names[i] = string(v)
	}
	return strings.Join(names, ", ")
}
