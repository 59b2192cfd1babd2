package corpus

import (
	"fmt"
	"path"
	"slices"
	"strings"
	"time"
)

// maxDuration bounds a trace, and with it the samples a run allocates. An
// hour is far past every default kill threshold.
const maxDuration = time.Hour

// Validate returns an error naming the first field of t that is missing or
// invalid, and the first tick on which two segments conflict.
func (t Trace) Validate() error {
	if err := t.validateHeader(); err != nil {
		return err
	}
	if len(t.Segments) == 0 {
		return fmt.Errorf("events is missing: add at least one segment such as {from: 0s, to: 1s, every: 1s, screen: working}")
	}
	if _, err := t.profile(); err != nil {
		return err
	}
	lib := t.library()
	for i, seg := range t.Segments {
		if err := seg.validate(t.Duration, lib); err != nil {
			return fmt.Errorf("events[%d].%w", i, err)
		}
	}
	_, err := t.events()
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
func (s Segment) validate(duration time.Duration, lib *Library) error {
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
	if s.Screen != "" && lib.Frames[s.Screen] == "" {
		return fmt.Errorf("screen %q names no frame: use one of %s, or add frames/%s.txt to the corpus", s.Screen, lib.frameNames(), s.Screen)
	}
	for _, name := range s.Transcript {
		if lib.Records[name] == "" {
			return fmt.Errorf("transcript names no record %q: use one of %s, or add records/%s.json to the corpus", name, lib.recordNames(), name)
		}
	}
	for _, f := range []struct {
		name  string
		paths []string
	}{{"create", s.Create}, {"modify", s.Modify}, {"delete", s.Delete}} {
		for _, p := range f.paths {
			if p == "" || path.IsAbs(p) || strings.HasPrefix(path.Clean(p), "..") {
				return fmt.Errorf("%s path %q is invalid: use a path relative to the workspace such as src/main.go", f.name, p)
			}
		}
	}
	if s.CPU < 0 {
		return fmt.Errorf("cpu %s is invalid: use a CPU time per second such as 900ms", s.CPU)
	}
	return nil
}

func wholeSeconds(name string, d time.Duration) error {
	if d%time.Second != 0 {
		return fmt.Errorf("%s %s is invalid: the replay ticks once a second, so use whole seconds such as %s",
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
