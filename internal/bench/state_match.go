package bench

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// matchResult holds the detection latencies of logged screen changes and
// how many changes were never detected.
type matchResult struct {
	latencies []time.Duration
	changes   int
	missed    int
}

func (m *matchResult) add(other matchResult) {
	m.latencies = append(m.latencies, other.latencies...)
	m.changes += other.changes
	m.missed += other.missed
}

// matchChanges pairs each change the agent logged with the first
// observation of the same state at or after it and before the next
// change. A change with no such observation is missed.
func matchChanges(changes, observed []seen) matchResult {
	res := matchResult{changes: len(changes)}
	next := 0
	for i, change := range changes {
		end := time.Time{}
		if i+1 < len(changes) {
			end = changes[i+1].at
		}
		for next < len(observed) && observed[next].at.Before(change.at) {
			next++
		}
		found := false
		for j := next; j < len(observed); j++ {
			if !end.IsZero() && !observed[j].at.Before(end) {
				break
			}
			if observed[j].state == change.state {
				res.latencies = append(res.latencies, observed[j].at.Sub(change.at))
				found = true
				break
			}
		}
		if !found {
			res.missed++
		}
	}
	return res
}

// readFlipLog reads the screen changes the test agent's tui-flip logged in
// its workspace: one "UNIXNANO STATE" line per change.
func readFlipLog(workspace string) ([]seen, error) {
	path := filepath.Join(workspace, "flips.log")
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read the agent's screen changes: %w", err)
	}
	defer f.Close()
	var changes []seen
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		at, state, ok := strings.Cut(sc.Text(), " ")
		nanos, err := strconv.ParseInt(at, 10, 64)
		if !ok || err != nil {
			return nil, fmt.Errorf("%s: line %q is not \"UNIXNANO STATE\"", path, sc.Text())
		}
		changes = append(changes, seen{at: time.Unix(0, nanos), state: state})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return changes, nil
}
