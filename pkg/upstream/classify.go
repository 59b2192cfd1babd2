package upstream

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// rule recognises one kind of failure by the wording Claude Code uses.
type rule struct {
	kind    Kind
	pattern *regexp.Regexp
}

// rules are checked in order on each line, so a usage-limit text that
// mentions a 429 is UsageLimit, and an expired-token text that quotes the
// API's JSON error is AuthFailed.
var rules = []rule{
	{UsageLimit, usageLimitPattern},
	{AuthFailed, regexp.MustCompile(`OAuth token has expired|Invalid API key|Please run /login|Fix external API key|` +
		`authentication_error|permission_error|Invalid authentication credentials|API Error: 40[13]\b`)},
	{PromptTooLong, regexp.MustCompile(`(?i)prompt is too long|request_too_large|API Error: 413\b`)},
	{Overloaded, regexp.MustCompile(`API Error: (?:Repeated )?529\b|overloaded_error`)},
	{RateLimited, regexp.MustCompile(`API Error: (?:Request rejected \()?429\b|rate_limit_error`)},
	{Connection, regexp.MustCompile(`Unable to connect to API|ConnectionRefused|ECONNREFUSED`)},
}

// statusPattern finds an HTTP status in the forms Claude Code 2.1.197
// prints: "API Error: 529 Overloaded", "API Error: Repeated 529 Overloaded
// errors", "API Error: Request rejected (429)", and the spinner line of a
// retry that starts with the status ("✻ 429 Number of requests ... ·
// Retrying in 3s · attempt 3/3").
var statusPattern = regexp.MustCompile(`API Error: (?:Repeated )?([1-5]\d\d)\b|Request rejected \(([1-5]\d\d)\)|` +
	`^[^\p{L}\p{N}]*([45]\d\d) \S.*· Retrying in`)

// retryPattern matches the wait of the spinner's retry line, such as
// "Retrying in 3s".
//
// NOTE: the minutes form ("Retrying in 1m 5s") is a guess, because only
// waits in seconds were seen.
var retryPattern = regexp.MustCompile(`Retrying in (?:(\d+)m\s*)?(\d+)s\b`)

// decoration lists the glyphs that Claude Code puts before a message line,
// which are the reply bullet, the result elbow and the spinner glyphs.
const decoration = " \t\u00a0●⎿·*✢✶✻✽"

// Classify finds an upstream failure in text: a screen line or the lines of
// a screen, the "API Error: ..." text of a transcript record or of a
// stream-json result, or a retry line of the busy spinner. When several
// lines show a failure, the last one wins, because on a screen it is the
// newest. now resolves a usage limit's clock reset time ("resets 3pm") to
// the next such time after now, in the named zone or else in now's zone.
//
// A line with an HTTP status but no known wording is classified by its
// status as FromStatus does.
func Classify(text string, now time.Time) (Error, bool) {
	lines := strings.Split(text, "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		line := strings.TrimRight(lines[i], "\r")
		e, ok := classifyLine(line)
		if !ok {
			continue
		}
		e.Message = strings.TrimSpace(strings.TrimLeft(line, decoration))
		e.RetryAfter = retryAfter(line)
		if e.Kind == UsageLimit {
			// The reset time may wrap onto the next screen line.
			e.ResetAt = resetTime(strings.Join(lines[i:min(i+2, len(lines))], " "), now)
		}
		return e, true
	}
	return Error{}, false
}

// classifyLine returns the failure that one line shows, with its status
// but without Message, RetryAfter and ResetAt.
func classifyLine(line string) (Error, bool) {
	status := lineStatus(line)
	for _, r := range rules {
		if r.pattern.MatchString(line) {
			return Error{Kind: r.kind, Status: status}, true
		}
	}
	if status == 0 {
		return Error{}, false
	}
	e, ok := FromStatus(status, line)
	if !ok {
		return Error{}, false
	}
	return Error{Kind: e.Kind, Status: status}, true
}

// lineStatus returns the HTTP status that line shows, or 0.
func lineStatus(line string) int {
	m := statusPattern.FindStringSubmatch(line)
	if m == nil {
		return 0
	}
	for _, group := range m[1:] {
		if group != "" {
			status, _ := strconv.Atoi(group)
			return status
		}
	}
	return 0
}

// retryAfter returns the wait of a "Retrying in 3s" text in line, or 0.
func retryAfter(line string) time.Duration {
	m := retryPattern.FindStringSubmatch(line)
	if m == nil {
		return 0
	}
	minutes, _ := strconv.Atoi(m[1])
	seconds, _ := strconv.Atoi(m[2])
	return time.Duration(minutes)*time.Minute + time.Duration(seconds)*time.Second
}
