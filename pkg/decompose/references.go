package decompose

import (
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"
)

// stepReference matches a reference to other steps: "after", "once",
// "depends on", "depend on" or "depending on", then an optional word such
// as "step", then one or more numbers or ranges ("1-3", "2 to 4") joined by
// commas, "and", "&" or "or". Group 1 is the optional word and group 2 the
// numbers.
var stepReference = regexp.MustCompile(`(?i)\b(?:after|once|depends\s+on|depend\s+on|depending\s+on)\s+` +
	`(?:the\s+)?((?:steps?|items?|tasks?)\s+)?` +
	`(#?[0-9]+(?:\s*(?:-|–|to|through)\s*#?[0-9]+)?` +
	`(?:\s*(?:,\s*and|,|and|&|or)\s*(?:(?:steps?|items?|tasks?)\s+)?#?[0-9]+(?:\s*(?:-|–|to|through)\s*#?[0-9]+)?)*)\b`)

// quantityAfter matches a unit word after a number, as in "after 5
// minutes" or "once 3 tests pass". A reference written without a word such
// as "step" and followed by such a word is a quantity, not a step.
var quantityAfter = regexp.MustCompile(`(?i)^\s*(?:%|(?:ms|s|m|h|d|seconds?|secs?|minutes?|mins?|hours?|hrs?|` +
	`days?|weeks?|months?|years?|times?|percent|attempts?|retries|tries|tests?|files?|lines?|requests?|` +
	`users?|items?|bytes?|kb|mb|gb|errors?|failures?|runs?|builds?|commits?)\b)`)

// stepRange matches one number or range inside a reference.
var stepRange = regexp.MustCompile(`([0-9]+)(?:\s*(?:-|–|to|through)\s*#?([0-9]+))?`)

// referencedSteps returns, for each item, the indexes of the items it
// refers to. A reference to the item itself or to a step past the end of
// the list is an error that quotes the reference.
func referencedSteps(items []string) ([][]int, error) {
	deps := make([][]int, len(items))
	for i, text := range items {
		for _, match := range stepReference.FindAllStringSubmatchIndex(text, -1) {
			hasWord := match[2] >= 0
			if !hasWord && quantityAfter.MatchString(text[match[1]:]) {
				continue
			}
			phrase := text[match[0]:match[1]]
			steps, err := expandSteps(text[match[4]:match[5]])
			if err != nil {
				return nil, fmt.Errorf("step %d: %w in %q", i+1, err, phrase)
			}
			for _, step := range steps {
				if step < 1 || step > len(items) {
					return nil, fmt.Errorf("step %d refers to step %d in %q, but the goal lists %d steps: "+
						"correct the number; steps are counted from 1 in the order written", i+1, step, phrase, len(items))
				}
				if step == i+1 {
					return nil, fmt.Errorf("step %d refers to itself in %q: remove the reference or correct the number",
						i+1, phrase)
				}
				deps[i] = append(deps[i], step-1)
			}
		}
	}
	return deps, nil
}

// maxRange bounds a range of steps such as "1-3", so a typo like "1-9999"
// is an error rather than a long loop.
const maxRange = 1000

// expandSteps returns the step numbers that the numbers and ranges of a
// reference name, in order.
func expandSteps(numbers string) ([]int, error) {
	var steps []int
	for _, m := range stepRange.FindAllStringSubmatch(numbers, -1) {
		first, err := strconv.Atoi(m[1])
		if err != nil {
			return nil, fmt.Errorf("step number %q is invalid", m[1])
		}
		last := first
		if m[2] != "" {
			if last, err = strconv.Atoi(m[2]); err != nil {
				return nil, fmt.Errorf("step number %q is invalid", m[2])
			}
		}
		if last < first || last-first > maxRange {
			return nil, fmt.Errorf("the range %d to %d is invalid: write the lower step first", first, last)
		}
		for step := first; step <= last; step++ {
			steps = append(steps, step)
		}
	}
	return steps, nil
}

// fileName matches a file name with an extension of lowercase letters and
// digits, such as main.go, src/app.test.ts or /etc/app.conf. The lowercase
// extension keeps Go and JavaScript calls such as fmt.Println out.
var fileName = regexp.MustCompile(`^/?(?:[A-Za-z0-9_.\-]+/)*[A-Za-z0-9_\-][A-Za-z0-9_.\-]*\.[a-z][a-z0-9]{0,9}$`)

// notFileNames lists words that look like file names but are not.
var notFileNames = map[string]bool{"e.g": true, "i.e": true, "a.k.a": true}

// notFileExtensions lists top-level domains, so example.com is no file.
var notFileExtensions = map[string]bool{"com": true, "org": true, "net": true}

// fileNames returns the file names in text, cleaned and in order of first
// appearance. Quotes, backticks, brackets and punctuation around a word are
// ignored, and words that contain "://" or "@" are URLs or addresses.
func fileNames(text string) []string {
	var names []string
	seen := make(map[string]bool)
	for _, word := range strings.Fields(text) {
		word = strings.Trim(word, "\"'`()[]{}<>,;:!?*")
		word = strings.TrimRight(word, ".")
		if strings.Contains(word, "://") || strings.Contains(word, "@") || !fileName.MatchString(word) {
			continue
		}
		if notFileNames[strings.ToLower(word)] || notFileExtensions[strings.TrimPrefix(path.Ext(word), ".")] {
			continue
		}
		name := path.Clean(word)
		if !seen[name] {
			seen[name] = true
			names = append(names, name)
		}
	}
	return names
}

// linkSharedFiles adds to deps, for every file that several items name, a
// dependency of each such item on the previous one, and returns for each
// item the shared files it names, in order of appearance.
func linkSharedFiles(items []string, deps [][]int) [][]string {
	named := make([][]string, len(items))
	namedBy := make(map[string][]int)
	for i, text := range items {
		named[i] = fileNames(text)
		for _, name := range named[i] {
			namedBy[name] = append(namedBy[name], i)
		}
	}
	owns := make([][]string, len(items))
	for i := range items {
		for _, name := range named[i] {
			holders := namedBy[name]
			if len(holders) < 2 {
				continue
			}
			owns[i] = append(owns[i], name)
			for k := 1; k < len(holders); k++ {
				if holders[k] == i {
					deps[i] = append(deps[i], holders[k-1])
				}
			}
		}
	}
	return owns
}
