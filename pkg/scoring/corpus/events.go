package corpus

import (
	"fmt"
	"time"
)

// tick is the spacing of the observations a trace produces.
const tick = time.Second

// tickEvents is the merged activity of a trace's segments at one tick, with
// their templates expanded.
type tickEvents struct {
	// screen is the frame shown from this tick on, or "" to keep the
	// previous one. screenFrom is the index plus one of the segment that
	// set it, and screenVars contains its template values.
	screen     string
	screenFrom int
	screenVars vars
	prints     []string
	create     []string
	modify     []string
	delete     []string
	records    []string
	cpu        time.Duration
	input      bool
}

// events merges the segments of t into one tickEvents per second: index i
// holds the tick at i+1 seconds. Two segments that show different frames
// on one tick make an error.
func (t Trace) events() ([]tickEvents, error) {
	lib := t.library()
	n := int(t.Duration / tick)
	ticks := make([]tickEvents, n)
	uuid := counter()
	for si, seg := range t.Segments {
		count := 0
		for at := seg.From + seg.Every; at <= seg.To; at += seg.Every {
			count++
			v := vars{n: count, t: int(at / tick), uuid: uuid}
			if err := ticks[int(at/tick)-1].add(seg, si, v, lib); err != nil {
				return nil, fmt.Errorf("tick %s: %w", at, err)
			}
		}
	}
	return ticks, nil
}

// add merges seg, the segment at index si, into e.
func (e *tickEvents) add(seg Segment, si int, v vars, lib *Library) error {
	if seg.Screen != "" {
		if e.screen != "" && e.screen != seg.Screen {
			return fmt.Errorf("events[%d] shows frame %s and events[%d] shows frame %s: show one frame per tick",
				e.screenFrom-1, e.screen, si, seg.Screen)
		}
		e.screen, e.screenFrom, e.screenVars = seg.Screen, si+1, v
	}
	e.prints = appendExpanded(e.prints, seg.Print, v)
	e.create = appendExpanded(e.create, seg.Create, v)
	e.modify = appendExpanded(e.modify, seg.Modify, v)
	e.delete = appendExpanded(e.delete, seg.Delete, v)
	for _, name := range seg.Transcript {
		e.records = append(e.records, v.expand(lib.Records[name]))
	}
	e.cpu += seg.CPU
	e.input = e.input || seg.Input
	return nil
}

func appendExpanded(dst, templates []string, v vars) []string {
	for _, s := range templates {
		dst = append(dst, v.expand(s))
	}
	return dst
}
