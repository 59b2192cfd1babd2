package executor

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func appendEvents(log EventLog, n int) {
	for i := 0; i < n; i++ {
		log.Append(Event{Kind: EventTaskQueued, Message: fmt.Sprintf("event %d", i+1)})
	}
}

func seqs(events []Event) []int64 {
	out := make([]int64, len(events))
	for i, ev := range events {
		out[i] = ev.Seq
	}
	return out
}

func TestMemoryLogNumbersFromOne(t *testing.T) {
	log := NewMemoryLog(10)
	first := log.Append(Event{Kind: EventTaskQueued})
	second := log.Append(Event{Kind: EventTaskQueued})
	assert.Equal(t, int64(1), first.Seq)
	assert.Equal(t, int64(2), second.Seq)
}

func TestMemoryLogEmpty(t *testing.T) {
	log := NewMemoryLog(10)
	events, next := log.After(0, 10)
	assert.Empty(t, events)
	assert.Equal(t, int64(0), next)
	oldest, latest := log.Bounds()
	assert.Equal(t, int64(0), oldest)
	assert.Equal(t, int64(0), latest)
}

func TestMemoryLogPagesFromCursor(t *testing.T) {
	log := NewMemoryLog(100)
	appendEvents(log, 7)

	page, next := log.After(0, 3)
	assert.Equal(t, []int64{1, 2, 3}, seqs(page))
	assert.Equal(t, int64(3), next)

	page, next = log.After(next, 3)
	assert.Equal(t, []int64{4, 5, 6}, seqs(page))
	assert.Equal(t, int64(6), next)

	page, next = log.After(next, 3)
	assert.Equal(t, []int64{7}, seqs(page))
	assert.Equal(t, int64(7), next)

	page, next = log.After(next, 3)
	assert.Empty(t, page)
	assert.Equal(t, int64(7), next, "an empty page keeps the cursor")
}

func TestMemoryLogEvictsOldest(t *testing.T) {
	log := NewMemoryLog(5)
	appendEvents(log, 12)

	oldest, latest := log.Bounds()
	assert.Equal(t, int64(8), oldest)
	assert.Equal(t, int64(12), latest)

	page, next := log.After(2, 100)
	assert.Equal(t, []int64{8, 9, 10, 11, 12}, seqs(page), "a cursor before the oldest starts at the oldest")
	assert.Equal(t, int64(12), next)
	assert.Equal(t, "event 8", page[0].Message)

	page, _ = log.After(9, 2)
	assert.Equal(t, []int64{10, 11}, seqs(page))
}

func TestMemoryLogRejectsZeroLimit(t *testing.T) {
	log := NewMemoryLog(5)
	appendEvents(log, 3)
	page, next := log.After(1, 0)
	assert.Empty(t, page)
	assert.Equal(t, int64(1), next)
}

func TestMemoryLogCopiesEvents(t *testing.T) {
	log := NewMemoryLog(5)
	appendEvents(log, 2)
	page, _ := log.After(0, 1)
	page[0].Message = "changed by a reader"
	again, _ := log.After(0, 1)
	assert.Equal(t, "event 1", again[0].Message)
}

func TestMemoryLogConcurrentAppends(t *testing.T) {
	log := NewMemoryLog(1000)
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			appendEvents(log, 100)
		}()
	}
	wg.Wait()
	page, _ := log.After(0, 1000)
	require.Len(t, page, 800)
	for i, ev := range page {
		assert.Equal(t, int64(i+1), ev.Seq)
	}
}

func TestNewMemoryLogDefaultSize(t *testing.T) {
	log := NewMemoryLog(0)
	assert.Equal(t, DefaultEventLogSize, log.capacity)
}
