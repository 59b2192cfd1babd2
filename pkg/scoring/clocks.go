package scoring

import (
	"slices"
	"time"
)

// span is a stretch of time in which the idle and score clocks stop, such
// as a wait for input or an upstream pause. A zero to means the span is open.
type span struct {
	from, to time.Time
}

// stops contains the spans in which the idle and score clocks stop. Spans
// may overlap, because a wait may start during an upstream pause.
type stops []span

func (s *stops) open(at time.Time) { *s = append(*s, span{from: at}) }

func (s *stops) add(from, to time.Time) {
	if to.After(from) {
		*s = append(*s, span{from: from, to: to})
	}
}

// closeOpen ends the open span at end.
func (s stops) closeOpen(end time.Time) {
	for i := range s {
		if s[i].to.IsZero() {
			s[i].to = later(s[i].from, end)
		}
	}
}

// cut moves the end of every closed span that reaches past end back to
// end, which ends an upstream pause early.
func (s stops) cut(end time.Time) {
	for i := range s {
		if !s[i].to.IsZero() && s[i].to.After(end) {
			s[i].to = later(s[i].from, end)
		}
	}
}

// prune drops the closed spans that ended before cutoff.
func (s *stops) prune(cutoff time.Time) {
	*s = slices.DeleteFunc(*s, func(sp span) bool {
		return !sp.to.IsZero() && sp.to.Before(cutoff)
	})
}

// overlap returns how much of [since, now) the spans cover, counting time
// covered by two spans once.
func (s stops) overlap(since, now time.Time) time.Duration {
	clipped := make([]span, 0, len(s))
	for _, sp := range s {
		start := later(sp.from, since)
		end := sp.to
		if end.IsZero() || end.After(now) {
			end = now
		}
		if end.After(start) {
			clipped = append(clipped, span{from: start, to: end})
		}
	}
	slices.SortFunc(clipped, func(a, b span) int { return a.from.Compare(b.from) })

	var covered time.Duration
	var reach time.Time
	for _, sp := range clipped {
		start := later(sp.from, reach)
		if sp.to.After(start) {
			covered += sp.to.Sub(start)
			reach = sp.to
		}
	}
	return covered
}

// running returns the time from since to now less the time the spans
// cover, or 0 when since is the zero time.
func (s stops) running(since, now time.Time) time.Duration {
	if since.IsZero() || !now.After(since) {
		return 0
	}
	return max(0, now.Sub(since)-s.overlap(since, now))
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
