package profile

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// Classify returns the state that lines, the visible rows of the agent's
// terminal, and title, its window title, show. Dialogs are checked first,
// in order, against every line. Then the States rules are checked in order,
// and the first match wins. Without a match the state is StateUnknown.
// Trailing white space, including no-break spaces, is removed from each
// line before matching.
//
// Classify is safe for concurrent use, provided no goroutine changes or
// validates the profile at the same time.
func (p *Profile) Classify(lines []string, title string) Observation {
	trimmed := trimLines(lines)
	for i := range p.Dialogs {
		if dialogMatches(&p.Dialogs[i], trimmed) {
			dialog := cloneDialog(p.Dialogs[i])
			return Observation{State: StateDialog, Rule: dialog.Name, Dialog: &dialog}
		}
	}
	for i := range p.States {
		rule := &p.States[i]
		searched := bottomLines(trimmed, rule.Bottom)
		if !p.ruleMatches(rule, searched, title) {
			continue
		}
		obs := Observation{State: rule.State, Rule: rule.Name}
		if rule.Question != "" {
			obs.Question, obs.Choices = p.readQuestion(rule, searched)
		}
		return obs
	}
	return Observation{State: StateUnknown}
}

func trimLines(lines []string) []string {
	trimmed := make([]string, len(lines))
	for i, line := range lines {
		trimmed[i] = strings.TrimRightFunc(line, unicode.IsSpace)
	}
	return trimmed
}

// bottomLines returns the last n non-blank lines, or every line when n is
// not positive.
func bottomLines(lines []string, n int) []string {
	if n <= 0 {
		return lines
	}
	var picked []string
	for i := len(lines) - 1; i >= 0 && len(picked) < n; i-- {
		if lines[i] != "" {
			picked = append(picked, lines[i])
		}
	}
	slices.Reverse(picked)
	return picked
}

func dialogMatches(d *Dialog, lines []string) bool {
	if len(d.All) == 0 && len(d.Any) == 0 {
		return false
	}
	return containsAll(lines, d.All) && (len(d.Any) == 0 || containsAny(lines, d.Any))
}

func (p *Profile) ruleMatches(r *Rule, lines []string, title string) bool {
	if !containsAll(lines, r.All) {
		return false
	}
	if len(r.Any) > 0 && !containsAny(lines, r.Any) {
		return false
	}
	if containsAny(lines, r.None) {
		return false
	}
	if r.Pattern != "" && !p.anyLineMatches(r.Pattern, lines) {
		return false
	}
	if r.Title != "" && !p.matchString(r.Title, title) {
		return false
	}
	return true
}

func containsAll(lines, substrings []string) bool {
	for _, s := range substrings {
		if !containsAny(lines, []string{s}) {
			return false
		}
	}
	return true
}

func containsAny(lines, substrings []string) bool {
	for _, s := range substrings {
		for _, line := range lines {
			if strings.Contains(line, s) {
				return true
			}
		}
	}
	return false
}

// findLine returns the first line that expr matches, trimmed, or "" when
// none does or expr is invalid.
func (p *Profile) anyLineMatches(expr string, lines []string) bool {
	re := p.regexp(expr)
	if re == nil {
		return false
	}
	for _, line := range lines {
		if re.MatchString(line) {
			return true
		}
	}
	return false
}

// readQuestion returns the first searched line that matches the rule's
// question, trimmed, and the choices on the lines below it.
func (p *Profile) readQuestion(rule *Rule, lines []string) (string, []Choice) {
	re := p.regexp(rule.Question)
	if re == nil {
		return "", nil
	}
	for i, line := range lines {
		if re.MatchString(line) {
			return strings.TrimSpace(line), p.readChoices(rule.Choice, lines[i+1:])
		}
	}
	return "", nil
}

// readChoices returns the choices that expr finds in lines.
func (p *Profile) readChoices(expr string, lines []string) []Choice {
	if expr == "" {
		return nil
	}
	re := p.regexp(expr)
	if re == nil || re.NumSubexp() != 3 {
		return nil
	}
	var choices []Choice
	for _, line := range lines {
		m := re.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		choices = append(choices, Choice{Key: m[2], Label: strings.TrimSpace(m[3]), Selected: m[1] != ""})
	}
	return choices
}

func (p *Profile) matchString(expr, s string) bool {
	re := p.regexp(expr)
	return re != nil && re.MatchString(s)
}

// regexp returns the compiled expression from the cache that Validate
// fills. Without it, the expression is compiled for this call only, and an
// invalid one returns nil so that its condition never holds.
func (p *Profile) regexp(expr string) *regexp.Regexp {
	if re, ok := p.regexps[expr]; ok {
		return re
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil
	}
	return re
}
