package tools

import (
	"sort"
	"time"

	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
)

// scoreInterval is the minimum time between two score updates of one
// instance sent to one session, so each instance sends at most 2 a second.
const scoreInterval = 500 * time.Millisecond

// scoreCoalescer holds the latest score update of each instance until the
// instance may send again, so a newer update replaces an unsent older one.
// It keeps at most one pending update and one send time per instance, and
// drops send times once they no longer delay anything. One goroutine owns
// it, so it has no lock.
type scoreCoalescer struct {
	interval time.Duration
	now      func() time.Time
	pending  map[string]executor.Event // instance ID to its latest unsent update
	lastSent map[string]time.Time      // instance ID to when its last update was released
}

func newScoreCoalescer(interval time.Duration, now func() time.Time) *scoreCoalescer {
	return &scoreCoalescer{
		interval: interval,
		now:      now,
		pending:  make(map[string]executor.Event),
		lastSent: make(map[string]time.Time),
	}
}

// Offer stores ev as the instance's pending update unless a newer one, by
// Seq, is already pending.
func (c *scoreCoalescer) Offer(ev executor.Event) {
	if old, ok := c.pending[ev.InstanceID]; ok && old.Seq > ev.Seq {
		return
	}
	c.pending[ev.InstanceID] = ev
}

// Forget drops everything held for an instance, called when the instance
// ends so its last score update cannot follow its end event.
func (c *scoreCoalescer) Forget(instanceID string) {
	delete(c.pending, instanceID)
	delete(c.lastSent, instanceID)
}

// Ready removes and returns, in Seq order, the pending updates of
// instances whose last update was released at least interval ago, and
// records now as their release time.
func (c *scoreCoalescer) Ready() []executor.Event {
	now := c.now()
	var ready []executor.Event
	for id, ev := range c.pending {
		if last, ok := c.lastSent[id]; ok && now.Sub(last) < c.interval {
			continue
		}
		ready = append(ready, ev)
		delete(c.pending, id)
		c.lastSent[id] = now
	}
	for id, last := range c.lastSent {
		if _, waiting := c.pending[id]; !waiting && now.Sub(last) >= c.interval {
			delete(c.lastSent, id)
		}
	}
	sort.Slice(ready, func(a, b int) bool { return ready[a].Seq < ready[b].Seq })
	return ready
}

// NextDue returns how long until Ready would release a pending update, and
// false when nothing is pending.
func (c *scoreCoalescer) NextDue() (time.Duration, bool) {
	if len(c.pending) == 0 {
		return 0, false
	}
	now := c.now()
	soonest := c.interval
	for id := range c.pending {
		last, ok := c.lastSent[id]
		if !ok {
			return 0, true
		}
		soonest = min(soonest, max(0, c.interval-now.Sub(last)))
	}
	return soonest, true
}

// size returns how many instances the coalescer holds anything for.
func (c *scoreCoalescer) size() int {
	ids := make(map[string]bool, len(c.pending)+len(c.lastSent))
	for id := range c.pending {
		ids[id] = true
	}
	for id := range c.lastSent {
		ids[id] = true
	}
	return len(ids)
}
