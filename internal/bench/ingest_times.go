package bench

import (
	"bytes"
	"fmt"
	"strconv"
	"time"
)

// floodTimes are the wall-clock times the test agent appended to its
// timestamp file with the timestamp directive, in the order it wrote them.
type floodTimes struct {
	// Start and End enclose the flood.
	Start, End time.Time
	// Marker is the time right before the agent wrote the marker line; it
	// is zero until the agent has recorded it.
	Marker time.Time
}

// parseFloodTimes reads a timestamp file: one Unix time in nanoseconds per
// line, the flood's start and end, then optionally the marker's. A last line
// without its newline is still being written and is ignored, so the file
// may be read while the agent runs. It returns the times and how many
// complete lines it read.
func parseFloodTimes(data []byte) (floodTimes, int, error) {
	var stamps []time.Time
	for len(data) > 0 {
		line, rest, complete := bytes.Cut(data, []byte("\n"))
		if !complete {
			break
		}
		nanos, err := strconv.ParseInt(string(line), 10, 64)
		if err != nil {
			return floodTimes{}, 0, fmt.Errorf("timestamp line %d %q is not Unix nanoseconds: "+
				"write the file with the test agent's timestamp directive", len(stamps)+1, line)
		}
		stamps = append(stamps, time.Unix(0, nanos))
		data = rest
	}
	var times floodTimes
	fields := []*time.Time{&times.Start, &times.End, &times.Marker}
	if len(stamps) > len(fields) {
		return floodTimes{}, 0, fmt.Errorf("timestamp file has %d lines, expected at most %d: "+
			"start, end of the flood and the marker", len(stamps), len(fields))
	}
	for k, stamp := range stamps {
		*fields[k] = stamp
	}
	return times, len(stamps), nil
}

// span returns the duration of the flood, or an error when the agent has
// not recorded both ends or they are out of order.
func (t floodTimes) span() (time.Duration, error) {
	if t.Start.IsZero() || t.End.IsZero() {
		return 0, fmt.Errorf("timestamp file lacks the start or the end of the flood: " +
			"put a timestamp directive before and after the flood")
	}
	d := t.End.Sub(t.Start)
	if d <= 0 {
		return 0, fmt.Errorf("flood ended at %s, not after its start at %s: the wall clock moved back",
			t.End.Format(time.RFC3339Nano), t.Start.Format(time.RFC3339Nano))
	}
	return d, nil
}

// megabytesPerSecond returns the rate of n bytes in d in MB/s (10^6 bytes),
// or 0 for a non-positive d.
func megabytesPerSecond(n int64, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds() / 1e6
}
