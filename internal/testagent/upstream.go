package main

import (
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"
)

// upstreamLines are error lines in the shape Claude Code 2.1.197 prints them
// when its model API fails, by the kind the directive names.
var upstreamLines = map[string]func() string{
	"429": func() string { return "API Error: Request rejected (429) · scripted rate limit" },
	"529": func() string {
		return "API Error: 529 Overloaded. This is a server-side issue, usually temporary — try again in a moment."
	},
	"401":     func() string { return "Not logged in · Please run /login" },
	"toolong": func() string { return "Prompt is too long · the request is ~210000 tokens (limit 200000)" },
	"usage": func() string {
		return fmt.Sprintf("Claude AI usage limit reached|%d", time.Now().Add(3*time.Second).Unix())
	},
}

// upstreamLoopInterval is the time between two error lines of upstream-loop.
const upstreamLoopInterval = 200 * time.Millisecond

// upstreamLine returns the error line function of the kind named by arg.
func upstreamLine(directive, arg string, hasArg bool) (func() string, error) {
	line, ok := upstreamLines[arg]
	if !hasArg || !ok {
		kinds := make([]string, 0, len(upstreamLines))
		for kind := range upstreamLines {
			kinds = append(kinds, kind)
		}
		sort.Strings(kinds)
		return nil, fmt.Errorf("%s needs a kind: one of %s", directive, strings.Join(kinds, ", "))
	}
	return line, nil
}

// planUpstreamLoop prints the error line of KIND every 200 ms until a
// signal ends the process, as an agent that retries forever does. Each line
// ends with its retry number, so each is a new line on the screen.
func planUpstreamLoop(arg string, hasArg bool) (step, error) {
	line, err := upstreamLine("upstream-loop", arg, hasArg)
	if err != nil {
		return nil, err
	}
	return func() error {
		for retry := 1; ; retry++ {
			fmt.Printf("● %s (retry %d)\n", line(), retry)
			time.Sleep(upstreamLoopInterval)
		}
	}, nil
}

// planUpstreamOnce prints the error line of KIND and exits 1 on the first
// attempt in a workspace; later attempts write two files and exit 0.
func planUpstreamOnce(arg string, hasArg bool) (step, error) {
	line, err := upstreamLine("upstream-once", arg, hasArg)
	if err != nil {
		return nil, err
	}
	return func() error {
		_, err := os.Stat(attemptMarker)
		if err == nil {
			return produceFiles(2)
		}
		if !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("check attempt marker %s: %w", attemptMarker, err)
		}
		if err := os.WriteFile(attemptMarker, []byte("1\n"), 0o644); err != nil {
			return fmt.Errorf("create attempt marker %s: %w", attemptMarker, err)
		}
		fmt.Println("● " + line())
		time.Sleep(300 * time.Millisecond)
		os.Exit(1)
		return nil
	}, nil
}
