package upstream

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// usageLimitPattern matches the usage-limit texts of Claude Code releases:
// "Claude AI usage limit reached|<epoch>", "Claude usage limit reached. Your
// limit will reset at 5pm (Europe/Warsaw).", "5-hour limit reached ∙ resets
// 5am", "Weekly limit reached · resets 10am (Asia/Seoul)", "You've hit your
// limit · resets 8pm (Africa/Cairo)", "You've hit your session limit ·
// resets ..." and "You're out of extra usage · resets ...".
var usageLimitPattern = regexp.MustCompile(`(?i)usage limit reached|you[’']ve hit your (?:\w+ )?limit|` +
	`\b(?:\d+-hour|session|weekly|daily|opus|sonnet) limit reached|out of extra usage|limit will reset at`)

// epochPattern matches the reset time in epoch seconds after the pipe of
// "Claude AI usage limit reached|1767225600".
var epochPattern = regexp.MustCompile(`(?i)limit reached\|(\d{9,11})\b`)

// clockPattern matches a reset clock time with an optional date and zone:
// "resets 3pm", "resets 12:50am (America/Los_Angeles)", "reset at 1 PM
// (Asia/Dubai)", "resets Jan 30, 11:30am (Asia/Calcutta)", "resets Sep 15
// at 7pm" and "resets 17:40". Groups: month, day, hour, minute, am/pm, zone.
var clockPattern = regexp.MustCompile(`(?i)\bresets?\s+(?:at\s+)?` +
	`(?:(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(\d{1,2})(?:,\s*|\s+at\s+|\s+))?` +
	`(\d{1,2})(?::(\d{2}))?\s*([ap]m)?\b(?:\s*\(([^()\s]+)\))?`)

// clock is a reset time as the text gives it. month is 0 when the text
// gives only a time of day.
type clock struct {
	month        time.Month
	day          int
	hour, minute int
}

// resetTime returns the reset time in text, or the zero time when text
// has none, it is invalid, or its zone is not known here.
//
// NOTE: zone names are looked up in the system's time zone database. A
// program that imports time/tzdata knows every zone without one.
func resetTime(text string, now time.Time) time.Time {
	if t := epochReset(text); !t.IsZero() {
		return t
	}
	m := clockPattern.FindStringSubmatch(text)
	if m == nil {
		return time.Time{}
	}
	c, ok := parseClock(m[1], m[2], m[3], m[4], m[5])
	if !ok {
		return time.Time{}
	}
	loc := now.Location()
	if m[6] != "" {
		zone, err := time.LoadLocation(m[6])
		if err != nil {
			return time.Time{}
		}
		loc = zone
	}
	return c.next(now, loc)
}

// epochReset returns the epoch reset time of a "...limit reached|<seconds>"
// text, or the zero time.
func epochReset(text string) time.Time {
	m := epochPattern.FindStringSubmatch(text)
	if m == nil {
		return time.Time{}
	}
	seconds, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil {
		return time.Time{}
	}
	return time.Unix(seconds, 0)
}

// parseClock checks and converts the groups of clockPattern. A bare number
// without minutes or am/pm is not a time ("resets 6d" is a duration).
func parseClock(month, day, hour, minute, meridiem string) (clock, bool) {
	var c clock
	c.hour, _ = strconv.Atoi(hour)
	if minute != "" {
		c.minute, _ = strconv.Atoi(minute)
	}
	switch strings.ToLower(meridiem) {
	case "":
		if minute == "" || c.hour > 23 {
			return clock{}, false
		}
	case "am", "pm":
		if c.hour < 1 || c.hour > 12 {
			return clock{}, false
		}
		c.hour %= 12
		if strings.EqualFold(meridiem, "pm") {
			c.hour += 12
		}
	}
	if c.minute > 59 {
		return clock{}, false
	}
	if month != "" {
		c.month = monthNumber(month)
		c.day, _ = strconv.Atoi(day)
		if c.day < 1 || c.day > 31 {
			return clock{}, false
		}
	}
	return c, true
}

func monthNumber(name string) time.Month {
	prefix := strings.ToLower(name[:3])
	for m := time.January; m <= time.December; m++ {
		if strings.ToLower(m.String()[:3]) == prefix {
			return m
		}
	}
	return 0
}

// next returns the first time after now at which the clock shows c in loc:
// today or tomorrow for a time of day, this year or next for a date.
func (c clock) next(now time.Time, loc *time.Location) time.Time {
	local := now.In(loc)
	if c.month == 0 {
		t := time.Date(local.Year(), local.Month(), local.Day(), c.hour, c.minute, 0, 0, loc)
		if !t.After(now) {
			t = time.Date(local.Year(), local.Month(), local.Day()+1, c.hour, c.minute, 0, 0, loc)
		}
		return t
	}
	t := time.Date(local.Year(), c.month, c.day, c.hour, c.minute, 0, 0, loc)
	if !t.After(now) {
		t = time.Date(local.Year()+1, c.month, c.day, c.hour, c.minute, 0, 0, loc)
	}
	return t
}
