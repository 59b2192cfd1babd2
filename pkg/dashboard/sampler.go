package dashboard

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
)

// SampleInterval is how often the dashboard reads the pool.
const SampleInterval = 500 * time.Millisecond

// maxTasks bounds the tasks one sample reads.
//
// NOTE: with more tasks than this, instances of later tasks are missing
// from the page until earlier tasks leave the first page.
const maxTasks = 500

// Dashboard samples a pool and serves the page that shows it.
type Dashboard struct {
	pool  Pool
	guard Guard
	log   *zap.Logger

	mu      sync.Mutex
	encoded []byte        // the latest snapshot as JSON
	version uint64        // counts the snapshots, 0 before the first
	changed chan struct{} // closed and replaced when encoded changes
	scores  map[string][]int
	events  []executor.Event
	cursor  int64
}

// New returns a dashboard of pool whose API requests pass guard.
func New(pool Pool, guard Guard, log *zap.Logger) *Dashboard {
	return &Dashboard{pool: pool, guard: guard, log: log, changed: make(chan struct{}), scores: map[string][]int{}}
}

// Run samples the pool every SampleInterval until ctx is done.
func (d *Dashboard) Run(ctx context.Context) {
	ticker := time.NewTicker(SampleInterval)
	defer ticker.Stop()
	for {
		if err := d.Sample(); err != nil {
			d.log.Warn("dashboard sample failed", zap.Error(err))
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

// Sample reads the pool once and, when anything changed, wakes the
// streams.
func (d *Dashboard) Sample() error {
	st, err := d.pool.Status(executor.Filter{Limit: maxTasks, TailLines: 1})
	if err != nil {
		return fmt.Errorf("read pool status: %w", err)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.recordScores(st)
	d.readEvents()
	snap := Snapshot{Pool: st.Pool, Panels: panels(d.pool, st, d.scores), Events: d.events, Tasks: taskLines(st)}
	encoded, err := json.Marshal(snap)
	if err != nil {
		return fmt.Errorf("encode snapshot: %w", err)
	}
	if bytes.Equal(encoded, d.encoded) {
		return nil
	}
	d.encoded = encoded
	d.version++
	close(d.changed)
	d.changed = make(chan struct{})
	return nil
}

// recordScores appends the score of every running instance.
func (d *Dashboard) recordScores(st executor.Status) {
	for _, inst := range st.Instances {
		if inst.EndedAt != nil && len(d.scores[inst.ID]) > 0 {
			continue
		}
		s := append(d.scores[inst.ID], inst.Score)
		if len(s) > maxScores {
			s = s[len(s)-maxScores:]
		}
		d.scores[inst.ID] = s
	}
}

// readEvents appends the events published since the last sample, leaving
// out debug events such as score updates, which the plots show.
func (d *Dashboard) readEvents() {
	for {
		batch, next := d.pool.Events(d.cursor, 500)
		d.cursor = next
		for _, ev := range batch {
			if ev.Level != executor.LevelDebug {
				d.events = append(d.events, ev)
			}
		}
		if len(batch) < 500 {
			break
		}
	}
	if len(d.events) > maxEvents {
		d.events = append([]executor.Event(nil), d.events[len(d.events)-maxEvents:]...)
	}
}

// latest returns the latest snapshot as JSON, its version and a channel
// that is closed when a newer one exists.
func (d *Dashboard) latest() ([]byte, uint64, <-chan struct{}) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.encoded, d.version, d.changed
}
