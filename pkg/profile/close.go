package profile

import (
	"fmt"
	"strings"

	"github.com/axiom-mcp/axiom-mcp/pkg/termkeys"
)

// Prefixes of the steps in Profile.Close.
const (
	closeKeyPrefix  = "key:"
	closeTextPrefix = "text:"
)

// CloseBytes returns the bytes of each Close step, one slice per step. The
// executor writes them to the agent's terminal with a short pause between
// them. A "text:" step yields its text as is, and a "key:NAME" step the
// bytes of that key. An unknown key or a step without either prefix is an
// error that names the step.
func (p *Profile) CloseBytes() ([][]byte, error) {
	return stepsBytes("close", p.Close)
}

// ClearInputBytes returns the bytes of each ClearInput step, as CloseBytes
// does for Close.
func (p *Profile) ClearInputBytes() ([][]byte, error) {
	return stepsBytes("clear_input", p.ClearInput)
}

func stepsBytes(field string, list []string) ([][]byte, error) {
	steps := make([][]byte, 0, len(list))
	for i, step := range list {
		b, err := closeStepBytes(step)
		if err != nil {
			return nil, fmt.Errorf("%s[%d] %q: %w", field, i, step, err)
		}
		steps = append(steps, b)
	}
	return steps, nil
}

func closeStepBytes(step string) ([]byte, error) {
	if text, ok := strings.CutPrefix(step, closeTextPrefix); ok {
		if text == "" {
			return nil, fmt.Errorf("text is empty: give the text to type, such as %q", "text:/exit")
		}
		return []byte(text), nil
	}
	if name, ok := strings.CutPrefix(step, closeKeyPrefix); ok {
		seq, err := termkeys.Encode([]string{name})
		if err != nil {
			return nil, err
		}
		return []byte(seq), nil
	}
	return nil, fmt.Errorf("step has no %q or %q prefix: write it as %q or %q",
		closeTextPrefix, closeKeyPrefix, "text:/exit", "key:enter")
}
