package main

import (
	"errors"
	"fmt"
	"strconv"
	"time"
)

func noArg(hasArg bool) error {
	if hasArg {
		return errors.New("this directive takes no argument")
	}
	return nil
}

// countArg parses a positive count, or returns def when the argument is
// absent.
func countArg(arg string, hasArg bool, def int) (int, error) {
	if !hasArg {
		return def, nil
	}
	n, err := strconv.Atoi(arg)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("count %q is not a positive integer", arg)
	}
	return n, nil
}

// sizeArg parses a required byte count of zero or more.
func sizeArg(arg string, hasArg bool, form string) (int, error) {
	if !hasArg {
		return 0, fmt.Errorf("missing byte count, write %s", form)
	}
	n, err := strconv.Atoi(arg)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("byte count %q is not a non-negative integer", arg)
	}
	return n, nil
}

// secondsArg parses a non-negative number of seconds, fractions allowed.
func secondsArg(arg string) (time.Duration, error) {
	seconds, err := strconv.ParseFloat(arg, 64)
	if err != nil || seconds < 0 {
		return 0, fmt.Errorf("duration %q is not a non-negative number of seconds", arg)
	}
	return time.Duration(seconds * float64(time.Second)), nil
}
