package tools

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
)

// fakeClock is a clock that moves only when the test advances it.
type fakeClock struct{ at time.Time }

func newFakeClock() *fakeClock {
	return &fakeClock{at: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time { return c.at }

func (c *fakeClock) Advance(d time.Duration) { c.at = c.at.Add(d) }

func scoreEvent(seq int64, instance string, score int) executor.Event {
	return executor.Event{Seq: seq, Kind: executor.EventScore, InstanceID: instance, Score: score}
}

func TestCoalescerFirstUpdateIsReadyAtOnce(t *testing.T) {
	clock := newFakeClock()
	c := newScoreCoalescer(500*time.Millisecond, clock.Now)
	c.Offer(scoreEvent(1, "i-a", 10))
	ready := c.Ready()
	require.Len(t, ready, 1)
	assert.Equal(t, 10, ready[0].Score)
}

func TestCoalescerLatestWins(t *testing.T) {
	clock := newFakeClock()
	c := newScoreCoalescer(500*time.Millisecond, clock.Now)
	c.Offer(scoreEvent(1, "i-a", 10))
	require.Len(t, c.Ready(), 1)

	c.Offer(scoreEvent(2, "i-a", 20))
	c.Offer(scoreEvent(3, "i-a", 30))
	c.Offer(scoreEvent(4, "i-a", 40))
	assert.Empty(t, c.Ready(), "the instance sent an update less than the interval ago")

	clock.Advance(500 * time.Millisecond)
	ready := c.Ready()
	require.Len(t, ready, 1)
	assert.Equal(t, int64(4), ready[0].Seq)
	assert.Equal(t, 40, ready[0].Score)
}

func TestCoalescerKeepsNewerOnOlderOffer(t *testing.T) {
	clock := newFakeClock()
	c := newScoreCoalescer(500*time.Millisecond, clock.Now)
	c.Offer(scoreEvent(7, "i-a", 70))
	c.Offer(scoreEvent(5, "i-a", 50))
	ready := c.Ready()
	require.Len(t, ready, 1)
	assert.Equal(t, int64(7), ready[0].Seq)
}

func TestCoalescerRateOverTenSeconds(t *testing.T) {
	clock := newFakeClock()
	c := newScoreCoalescer(500*time.Millisecond, clock.Now)
	released := 0
	seq := int64(0)
	// One update every 50 ms for 10 s: 200 updates offered.
	for step := 0; step < 200; step++ {
		seq++
		c.Offer(scoreEvent(seq, "i-a", step))
		released += len(c.Ready())
		clock.Advance(50 * time.Millisecond)
	}
	released += len(c.Ready())
	assert.LessOrEqual(t, released, 21, "at most one release per 500 ms, plus the first")
	assert.GreaterOrEqual(t, released, 19, "an instance that keeps changing sends about 2 a second")
}

func TestCoalescerInstancesAreIndependent(t *testing.T) {
	clock := newFakeClock()
	c := newScoreCoalescer(500*time.Millisecond, clock.Now)
	c.Offer(scoreEvent(1, "i-a", 10))
	require.Len(t, c.Ready(), 1)
	c.Offer(scoreEvent(2, "i-a", 11))
	c.Offer(scoreEvent(3, "i-b", 20))
	ready := c.Ready()
	require.Len(t, ready, 1, "i-b has sent nothing yet, i-a must wait")
	assert.Equal(t, "i-b", ready[0].InstanceID)
}

func TestCoalescerReadyInSeqOrder(t *testing.T) {
	clock := newFakeClock()
	c := newScoreCoalescer(500*time.Millisecond, clock.Now)
	for i, id := range []string{"i-e", "i-d", "i-c", "i-b", "i-a"} {
		c.Offer(scoreEvent(int64(10-i), id, i))
	}
	ready := c.Ready()
	require.Len(t, ready, 5)
	for i := 1; i < len(ready); i++ {
		assert.Less(t, ready[i-1].Seq, ready[i].Seq)
	}
}

func TestCoalescerForgetDropsPending(t *testing.T) {
	clock := newFakeClock()
	c := newScoreCoalescer(500*time.Millisecond, clock.Now)
	c.Offer(scoreEvent(1, "i-a", 10))
	require.Len(t, c.Ready(), 1)
	c.Offer(scoreEvent(2, "i-a", 20))
	c.Forget("i-a")
	clock.Advance(time.Second)
	assert.Empty(t, c.Ready())
	assert.Equal(t, 0, c.size())
}

func TestCoalescerDropsStaleSendTimes(t *testing.T) {
	clock := newFakeClock()
	c := newScoreCoalescer(500*time.Millisecond, clock.Now)
	for i := 0; i < 100; i++ {
		c.Offer(scoreEvent(int64(i+1), fmt.Sprintf("i-%d", i), i))
	}
	require.Len(t, c.Ready(), 100)
	assert.Equal(t, 100, c.size())
	clock.Advance(500 * time.Millisecond)
	assert.Empty(t, c.Ready())
	assert.Equal(t, 0, c.size(), "send times older than the interval are dropped")
}

func TestCoalescerNextDue(t *testing.T) {
	clock := newFakeClock()
	c := newScoreCoalescer(500*time.Millisecond, clock.Now)
	_, pending := c.NextDue()
	assert.False(t, pending)

	c.Offer(scoreEvent(1, "i-a", 10))
	due, pending := c.NextDue()
	assert.True(t, pending)
	assert.Equal(t, time.Duration(0), due, "a first update is due at once")

	c.Ready()
	clock.Advance(200 * time.Millisecond)
	c.Offer(scoreEvent(2, "i-a", 20))
	due, pending = c.NextDue()
	assert.True(t, pending)
	assert.Equal(t, 300*time.Millisecond, due)
}
