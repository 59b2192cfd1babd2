package scoring

import (
	"fmt"
	"slices"
	"strconv"
	"time"
)

// Ranges of the thresholds. Zero is outside every range, but Validate
// accepts it because a zero field takes its default.
const (
	// maxDuration is the longest duration threshold. Longer limits would
	// keep a stuck agent running for days.
	maxDuration = 24 * time.Hour
	// minWindow is the shortest window: a shorter one sums too few ticks of
	// 1 s to tell a pause between two tool calls from idleness.
	minWindow = 5 * time.Second
	// maxCPUActive is the largest CPU activity threshold, 16 cores busy.
	maxCPUActive = 16.0
)

// SettingError is a threshold or weight outside the range that can work.
// Callers word it for where the value came from: a configuration file, a
// flag or a KEY=VALUE setting.
type SettingError struct {
	// Kind is "threshold" or "weight".
	Kind string
	// Key is the setting's YAML key, such as idle_timeout.
	Key string
	// Value is the value as Go formats it, such as 1ns or 0.
	Value string
	// Want describes the valid values, such as "a duration from 1s to 24h".
	Want string
	// Default is the value used when the setting is left out, such as 30s.
	Default string
	// Zero is true when the value is 0 in a field that the caller set
	// explicitly, which ValidateSet rejects.
	Zero bool
}

// Error returns the message for callers of the Go API, where 0 selects the
// default.
func (e *SettingError) Error() string {
	return fmt.Sprintf("invalid %s %s %s: use %s, or 0 for the default %s", e.Kind, e.Key, e.Value, e.Want, e.Default)
}

// check is the range check of one field: its formatted value, whether the
// value is zero, and whether it is zero or in range.
type check struct {
	key, value, want, def string
	zero, ok              bool
}

func (th *Thresholds) checks() []check {
	var checks []check
	for _, f := range th.durations() {
		v := *f.value
		checks = append(checks, check{
			key: f.name, value: v.String(), def: shortDuration(f.def),
			want: fmt.Sprintf("a duration from %s to %s", shortDuration(f.min), shortDuration(maxDuration)),
			zero: v == 0, ok: v == 0 || (v >= f.min && v <= maxDuration),
		})
	}
	cpu, warn := th.CPUActive, th.WarnAt
	return append(checks,
		check{key: "min_score", value: strconv.Itoa(th.MinScore), want: "a score from 1 to 100",
			def: strconv.Itoa(defaultMinScore), zero: th.MinScore == 0, ok: th.MinScore >= 0 && th.MinScore <= 100},
		check{key: "cpu_active", value: formatFloat(cpu), want: "CPU seconds per second above 0 and at most 16",
			def: formatFloat(defaultCPUActive), zero: cpu == 0, ok: cpu >= 0 && cpu <= maxCPUActive},
		check{key: "warn_at", value: formatFloat(warn), want: "a fraction above 0 and under 1",
			def: formatFloat(defaultWarnAt), zero: warn == 0, ok: warn >= 0 && warn < 1},
	)
}

// firstInvalid returns a *SettingError of kind for the first check that
// fails, or that is zero and named by set.
func firstInvalid(kind string, checks []check, set []string) error {
	for _, c := range checks {
		explicitZero := c.zero && slices.Contains(set, c.key)
		if c.ok && !explicitZero {
			continue
		}
		return &SettingError{Kind: kind, Key: c.key, Value: c.value, Want: c.want, Default: c.def, Zero: explicitZero}
	}
	return nil
}

// Validate returns a *SettingError for the first field outside its range.
// Zero fields are valid because they take their defaults.
func (th Thresholds) Validate() error {
	return th.ValidateSet(nil)
}

// ValidateSet is Validate, except that a zero in one of the fields named
// by set is an error too: a configuration that sets a field to 0 most
// likely expects 0 to mean something other than the default.
func (th Thresholds) ValidateSet(set []string) error {
	return firstInvalid("threshold", th.checks(), set)
}

// shortDuration formats d without trailing zero units, such as 30s, 2m or
// 24h.
func shortDuration(d time.Duration) string {
	switch {
	case d >= time.Hour && d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d >= time.Minute && d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return d.String()
}

func formatFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
