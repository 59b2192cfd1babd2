package profile

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// progressBottom is how many non-blank lines, counted from the bottom,
// Progress searches. Claude Code 2.1.197 draws its busy line above the task
// list (at most five tasks and a "… +N pending" line), the input box, its
// footer and, under tmux, a focus-events hint: at most 11 non-blank lines.
const progressBottom = 15

// progressGroups are the named groups that ProgressPattern may use.
var progressGroups = []string{"hours", "minutes", "seconds", "tokens"}

// Progress is the counter on an agent's busy line.
type Progress struct {
	// Seconds is the elapsed time of the turn that the counter shows.
	Seconds int
	// Tokens is the token count that the counter shows, or 0 when it shows
	// none.
	Tokens int
	// Line is the trimmed line that contains the counter.
	Line string
}

// Progress finds the busy counter in lines, the visible rows of the agent's
// terminal. It searches the last progressBottom non-blank lines from the
// bottom up with ProgressPattern and returns the first match. It returns
// false when the profile has no ProgressPattern, no line matches, or a
// matched group is not a number.
//
// Progress is safe for concurrent use, provided no goroutine changes or
// validates the profile at the same time.
func (p *Profile) Progress(lines []string) (Progress, bool) {
	if p.ProgressPattern == "" {
		return Progress{}, false
	}
	re := p.regexp(p.ProgressPattern)
	if re == nil {
		return Progress{}, false
	}
	searched := bottomLines(trimLines(lines), progressBottom)
	for i := len(searched) - 1; i >= 0; i-- {
		match := re.FindStringSubmatch(searched[i])
		if match == nil {
			continue
		}
		progress, ok := readProgress(re.SubexpNames(), match)
		if !ok {
			continue
		}
		progress.Line = strings.TrimSpace(searched[i])
		return progress, true
	}
	return Progress{}, false
}

// readProgress converts the named groups of a match.
func readProgress(names, match []string) (Progress, bool) {
	var progress Progress
	unitSeconds := map[string]int{"hours": 3600, "minutes": 60, "seconds": 1}
	for i, name := range names {
		value := match[i]
		if name == "" || value == "" {
			continue
		}
		if name == "tokens" {
			tokens, ok := parseTokens(value)
			if !ok {
				return Progress{}, false
			}
			progress.Tokens = tokens
			continue
		}
		n, err := strconv.Atoi(value)
		if err != nil {
			return Progress{}, false
		}
		progress.Seconds += n * unitSeconds[name]
	}
	return progress, true
}

// parseTokens converts a token count as Claude Code prints it, such as "31"
// or "1.2k" for 1200. The "m" suffix ("1.5m" for 1500000) is a guess,
// because no count that large was seen.
func parseTokens(s string) (int, bool) {
	s = strings.ReplaceAll(s, ",", "")
	scale := 1.0
	switch {
	case strings.HasSuffix(s, "k"), strings.HasSuffix(s, "K"):
		scale, s = 1e3, s[:len(s)-1]
	case strings.HasSuffix(s, "m"), strings.HasSuffix(s, "M"):
		scale, s = 1e6, s[:len(s)-1]
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil || n < 0 || math.IsInf(n, 0) || math.IsNaN(n) {
		return 0, false
	}
	return int(math.Round(n * scale)), true
}

// validateProgress compiles ProgressPattern into regexps and checks that it
// names only the groups that Progress reads.
func (p *Profile) validateProgress(regexps map[string]*regexp.Regexp) error {
	if p.ProgressPattern == "" {
		return nil
	}
	re, err := regexp.Compile(p.ProgressPattern)
	if err != nil {
		return fmt.Errorf("progress %q is not a valid RE2 regular expression: fix its syntax: %w", p.ProgressPattern, err)
	}
	for _, name := range re.SubexpNames() {
		if name != "" && !slices.Contains(progressGroups, name) {
			return fmt.Errorf("progress %q has a group named %q, which Progress does not read: name groups %s",
				p.ProgressPattern, name, strings.Join(progressGroups, ", "))
		}
	}
	regexps[p.ProgressPattern] = re
	return nil
}
