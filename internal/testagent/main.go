// Command testagent is a scripted stand-in for a coding agent CLI. Tests run
// it in a PTY to produce the output, files and exit behaviour of an agent on
// demand.
//
// Usage: testagent [ignored args...] PROMPT
//
// PROMPT is a space-separated list of directives that run in order, such as
// "productive:3 exit:4". See the directives table for the list. An unknown
// directive or a bad argument exits with status 2 before any directive runs.
// Text after the first blank line is a note, such as the handoff note the
// pool appends to a retried task's prompt: it is printed with each line
// prefixed by "note: " before the directives run.
package main

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// usageExitCode is the exit status for a bad command line.
const usageExitCode = 2

// exitError ends the program with its code once a step returns it.
type exitError struct {
	code int
}

func (e *exitError) Error() string {
	return fmt.Sprintf("exit status %d", e.code)
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: testagent [args...] PROMPT (PROMPT is a space-separated list of directives)")
		os.Exit(usageExitCode)
	}
	directives, note, _ := strings.Cut(os.Args[len(os.Args)-1], "\n\n")
	steps, err := plan(directives)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(usageExitCode)
	}
	printNote(note)
	for _, step := range steps {
		if err := step(); err != nil {
			var exit *exitError
			if errors.As(err, &exit) {
				os.Exit(exit.code)
			}
			fmt.Fprintln(os.Stderr, "testagent:", err)
			os.Exit(1)
		}
	}
}

// plan turns the prompt into steps, checking every directive before any of
// them runs.
func plan(prompt string) ([]step, error) {
	fields := strings.Fields(prompt)
	if len(fields) == 0 {
		return nil, errors.New("empty prompt: pass at least one directive, such as productive:3")
	}
	steps := make([]step, 0, len(fields))
	for _, field := range fields {
		name, arg, hasArg := strings.Cut(field, ":")
		build, ok := directives[name]
		if !ok {
			return nil, fmt.Errorf("unknown directive: %s", field)
		}
		s, err := build(arg, hasArg)
		if err != nil {
			return nil, fmt.Errorf("invalid directive %q: %w", field, err)
		}
		steps = append(steps, s)
	}
	return steps, nil
}

// printNote prints each non-empty line of note prefixed by "note: ".
func printNote(note string) {
	for _, line := range strings.Split(note, "\n") {
		if strings.TrimSpace(line) != "" {
			fmt.Println("note: " + line)
		}
	}
}
