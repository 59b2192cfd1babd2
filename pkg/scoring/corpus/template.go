package corpus

import (
	"fmt"
	"strconv"
	"strings"
)

// vars are the values a template may name.
type vars struct {
	n, t int
	uuid func() string
}

// expand replaces {n}, {t} and {uuid} in s.
func (v vars) expand(s string) string {
	if !strings.Contains(s, "{") {
		return s
	}
	s = strings.ReplaceAll(s, "{n}", strconv.Itoa(v.n))
	s = strings.ReplaceAll(s, "{t}", strconv.Itoa(v.t))
	for strings.Contains(s, "{uuid}") {
		s = strings.Replace(s, "{uuid}", v.uuid(), 1)
	}
	return s
}

// logMark is the frame line that shows the agent's latest output.
const logMark = "{log}"

// logRows is the number of output lines a frame shows at its log mark.
const logRows = 12

// render returns the rows of frame with its templates expanded and its log
// mark replaced by the last logRows lines of log.
func render(frame string, v vars, log []string) []string {
	var rows []string
	for _, row := range strings.Split(frame, "\n") {
		if strings.TrimSpace(row) == logMark {
			rows = append(rows, log[max(0, len(log)-logRows):]...)
			continue
		}
		rows = append(rows, v.expand(row))
	}
	return rows
}

// counter returns a func that yields fresh ids of the form of a UUID.
func counter() func() string {
	n := 0
	return func() string {
		n++
		return fmt.Sprintf("00000000-0000-4000-8000-%012d", n)
	}
}
