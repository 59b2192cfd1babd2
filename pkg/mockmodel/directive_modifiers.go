package mockmodel

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// maxDelay is the longest [[delay]] or [[think]] accepted. Claude Code
// 2.1.197 sends x-stainless-timeout: 600, so a longer hold would end in a
// client timeout.
const maxDelay = 600 * time.Second

// applyDelay stores the duration of [[delay seconds=N]].
func applyDelay(settings *script, args map[string]string) error {
	delay, err := parseSeconds("delay", args)
	if err != nil {
		return err
	}
	settings.delay = delay
	return nil
}

// applyPace stores the duration of [[pace seconds=N]]: the hold before every
// reply that follows a tool result, so a scripted loop of tool calls runs at
// a steady pace.
func applyPace(settings *script, args map[string]string) error {
	pace, err := parseSeconds("pace", args)
	if err != nil {
		return err
	}
	settings.pace = pace
	return nil
}

// applyThink stores the duration of [[think seconds=N]].
func applyThink(settings *script, args map[string]string) error {
	think, err := parseSeconds("think", args)
	if err != nil {
		return err
	}
	settings.think = think
	return nil
}

// applyTalk stores the duration of [[talk seconds=N]].
func applyTalk(settings *script, args map[string]string) error {
	talk, err := parseSeconds("talk", args)
	if err != nil {
		return err
	}
	settings.talk = talk
	return nil
}

// parseSeconds parses the seconds argument of the directive name.
func parseSeconds(name string, args map[string]string) (time.Duration, error) {
	text, ok := args["seconds"]
	if !ok {
		return 0, fmt.Errorf("missing seconds: write [[%s=N]] or [[%s seconds=N]]", name, name)
	}
	seconds, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsNaN(seconds) || seconds < 0 || seconds > maxDelay.Seconds() {
		return 0, fmt.Errorf("invalid seconds %q: use a number from 0 to %.0f", text, maxDelay.Seconds())
	}
	return time.Duration(seconds * float64(time.Second)), nil
}

// applyStall stores [[stall]] or [[stall times=K]].
func applyStall(settings *script, args map[string]string) error {
	times, err := parseTimes(args)
	if err != nil {
		return err
	}
	settings.stall = &stallSpec{times: times}
	return nil
}

// applyError stores [[error status=CODE times=K]] or
// [[error kind=KIND times=K]].
func applyError(settings *script, args map[string]string) error {
	statusText, hasStatus := args["status"]
	kind, hasKind := args["kind"]
	var (
		found apiError
		ok    bool
	)
	switch {
	case hasStatus && hasKind:
		return errors.New("keys status and kind cannot be combined: write [[error status=CODE]] or [[error kind=KIND]]")
	case hasStatus:
		found, ok = scriptedErrorByStatus(statusText)
		if !ok {
			return fmt.Errorf("invalid status %q: use one of %s", statusText, strings.Join(scriptedStatuses(), ", "))
		}
	case hasKind:
		found, ok = scriptedErrors[kind]
		if !ok {
			return fmt.Errorf("invalid kind %q: use one of %s", kind, strings.Join(slices.Sorted(maps.Keys(scriptedErrors)), ", "))
		}
	default:
		return errors.New("missing status or kind: write [[error status=529]] or [[error kind=prompt_too_long]]")
	}

	times, err := parseTimes(args)
	if err != nil {
		return err
	}
	after := 0
	if text, ok := args["after"]; ok {
		if after, err = parseCount("after", text); err != nil {
			return err
		}
	}
	settings.failure = &failureSpec{err: &found, times: times, after: after}
	return nil
}

// scriptedErrorByStatus returns the scripted error with the HTTP status text.
func scriptedErrorByStatus(text string) (apiError, bool) {
	for _, candidate := range scriptedErrors {
		if strconv.Itoa(candidate.status) == text {
			return candidate, true
		}
	}
	return apiError{}, false
}

// scriptedStatuses returns the statuses of the scripted errors, sorted.
func scriptedStatuses() []string {
	var statuses []string
	for _, candidate := range scriptedErrors {
		statuses = append(statuses, strconv.Itoa(candidate.status))
	}
	slices.Sort(statuses)
	return statuses
}

// parseTimes parses the optional times argument, which is 0 when absent.
func parseTimes(args map[string]string) (int, error) {
	text, ok := args["times"]
	if !ok {
		return 0, nil
	}
	return parseCount("times", text)
}
