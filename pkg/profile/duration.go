package profile

import (
	"fmt"
	"time"

	"go.yaml.in/yaml/v3"
)

// DefaultSubmitDelay is the pause between a typed prompt and Enter. Text,
// a 0.2 s pause and then Enter submits a prompt to Claude Code 2.1.197.
const DefaultSubmitDelay = Duration(200 * time.Millisecond)

// Duration is a time.Duration that YAML spells as a string such as "200ms".
type Duration time.Duration

// UnmarshalYAML parses a duration string such as "200ms" or "1.5s".
func (d *Duration) UnmarshalYAML(value *yaml.Node) error {
	var text string
	if err := value.Decode(&text); err != nil {
		return fmt.Errorf("line %d: invalid duration: use a string such as \"200ms\": %w", value.Line, err)
	}
	parsed, err := time.ParseDuration(text)
	if err != nil {
		return fmt.Errorf("line %d: invalid duration %q: use a number with a unit, such as \"200ms\"", value.Line, text)
	}
	*d = Duration(parsed)
	return nil
}

// MarshalYAML writes the duration as a string such as "200ms".
func (d Duration) MarshalYAML() (any, error) {
	return time.Duration(d).String(), nil
}

// String returns the duration as time.Duration formats it.
func (d Duration) String() string { return time.Duration(d).String() }
