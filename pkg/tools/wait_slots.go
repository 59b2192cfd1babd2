package tools

import "fmt"

// MaxPendingWaits is the max number of wait calls that block at once. A
// transport that runs tool calls on a fixed number of workers needs more
// workers than this, so that status, kill and cancel calls still find a
// free worker while every allowed wait is pending.
const MaxPendingWaits = 64

// waitSlots bounds the wait calls that block at once.
type waitSlots chan struct{}

func newWaitSlots() waitSlots { return make(waitSlots, MaxPendingWaits) }

// acquire takes a slot, or returns an error when all are taken. Call the
// returned function to give the slot back.
func (w waitSlots) acquire() (func(), error) {
	select {
	case w <- struct{}{}:
		return func() { <-w }, nil
	default:
		return nil, fmt.Errorf("too many wait calls pending (max %d): retry when one returns, "+
			"or poll status instead", MaxPendingWaits)
	}
}
