// Package termkeys maps key names such as "enter" or "down" to the bytes a
// terminal sends for them, for typing into an agent's pseudo-terminal.
package termkeys

import (
	"fmt"
	"sort"
	"strings"
)

// keys maps each key name to the bytes an xterm-compatible terminal sends.
// Enter is a carriage return: line editors and terminal UIs read it as the
// submit key, while a line feed inserts a new line in some of them.
var keys = map[string]string{
	"enter":     "\r",
	"esc":       "\x1b",
	"escape":    "\x1b",
	"tab":       "\t",
	"backspace": "\x7f",
	"up":        "\x1b[A",
	"down":      "\x1b[B",
	"right":     "\x1b[C",
	"left":      "\x1b[D",
	"ctrl-c":    "\x03",
	"ctrl-d":    "\x04",
	"ctrl-u":    "\x15",
	"space":     " ",
}

// Names returns the known key names, sorted.
func Names() []string {
	names := make([]string, 0, len(keys))
	for name := range keys {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// Encode returns the terminal bytes for the named keys, in order. Names are
// matched without regard to case and surrounding spaces. An unknown name is
// an error that lists the known ones.
func Encode(names []string) (string, error) {
	var b strings.Builder
	for _, name := range names {
		seq, ok := keys[strings.ToLower(strings.TrimSpace(name))]
		if !ok {
			return "", fmt.Errorf("unknown key %q: use one of %s", name, strings.Join(Names(), ", "))
		}
		b.WriteString(seq)
	}
	return b.String(), nil
}
