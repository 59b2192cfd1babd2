package executor

import (
	"time"

	"go.uber.org/zap"
)

// DefaultShutdownTimeout is how long Run's shutdown may take when its
// context ends: the kills, their grace and the end of every instance.
const DefaultShutdownTimeout = 8 * time.Second

// shutdownReserve is the part of the shutdown time kept for what follows a
// kill: reading the last output, ending leftovers (up to 1 s) and flushing
// the screen and the transcript files.
const shutdownReserve = 2 * time.Second

// minShutdownGrace is the SIGTERM grace an instance gets however near the
// deadline is, so an agent can still react to SIGTERM.
const minShutdownGrace = 100 * time.Millisecond

// Shutdown stops new starts, cancels the queued tasks, kills every running
// instance and waits for them until deadline. The SIGTERM grace is
// KillGrace, shortened so that the kills end before the deadline. Only the
// first call shuts the pool down; later calls wait for it to finish.
func (p *Pool) Shutdown(deadline time.Time) {
	p.shutdownOnce.Do(func() { p.shutdown(deadline) })
}

// shutdownGrace returns the SIGTERM grace for the kills of a shutdown that
// must end by deadline.
func shutdownGrace(killGrace time.Duration, deadline, now time.Time) time.Duration {
	left := deadline.Sub(now) - shutdownReserve
	return max(min(killGrace, left), minShutdownGrace)
}

// waitUntil waits for n values on done until deadline and returns how many
// arrived.
func waitUntil(done <-chan struct{}, n int, deadline time.Time) int {
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	for k := range n {
		select {
		case <-done:
		case <-timer.C:
			return k
		}
	}
	return n
}

// logFinalState logs how many tasks ended in each state, so the log of a
// stopped server records where every task was left.
func (p *Pool) logFinalState() {
	p.mu.Lock()
	counts := make(map[string]int)
	for _, t := range p.order {
		counts[t.state.String()]++
	}
	p.mu.Unlock()
	fields := make([]zap.Field, 0, len(counts))
	for state, n := range counts {
		fields = append(fields, zap.Int(state, n))
	}
	p.log.Info("pool stopped", fields...)
}
