package queue

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// Default backoff between attempts.
const (
	DefaultBackoffBase = 5 * time.Second
	DefaultBackoffMax  = 2 * time.Minute
)

// jitterShare is the largest part of a delay that jitter takes off, so
// tasks that failed together do not all retry at the same moment.
const jitterShare = 0.2

// Backoff is the wait before a task's next attempt after a failed one. The
// wait starts at Base and doubles with each failed attempt up to Max. Jitter
// then shortens it by up to 20%, so a wait never exceeds Max.
type Backoff struct {
	// Base is the wait after the first failed attempt. Zero means 5 s.
	Base time.Duration
	// Max caps the wait. Zero means 2 minutes, or Base when Base is larger.
	Max time.Duration
	// Jitter returns a number in [0, 1) that scales the jitter; values
	// outside that range count as 0. Nil means a pseudo-random source.
	Jitter func() float64
}

func (b Backoff) withDefaults() Backoff {
	if b.Base == 0 {
		b.Base = DefaultBackoffBase
	}
	if b.Max == 0 {
		b.Max = max(DefaultBackoffMax, b.Base)
	}
	if b.Jitter == nil {
		b.Jitter = rand.Float64
	}
	return b
}

// Validate reports a negative base or a max below the base.
func (b Backoff) Validate() error {
	b = b.withDefaults()
	if b.Base < 0 || b.Max < b.Base {
		return fmt.Errorf("backoff base %s and max %s are invalid: use a positive base no larger "+
			"than the max, such as 5s and 2m", b.Base, b.Max)
	}
	return nil
}

// Delay returns the wait after the given number of failed attempts,
// counting from 1. Zero fields take their defaults.
func (b Backoff) Delay(failures int) time.Duration {
	b = b.withDefaults()
	wait := b.Base
	for i := 1; i < failures && wait < b.Max; i++ {
		wait *= 2
	}
	wait = min(wait, b.Max)
	f := b.Jitter()
	if f < 0 || f >= 1 {
		f = 0
	}
	return wait - time.Duration(float64(wait)*jitterShare*f)
}
