package tools

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWaitSlotsRejectBeyondMax(t *testing.T) {
	slots := newWaitSlots()
	releases := make([]func(), MaxPendingWaits)
	for i := range releases {
		release, err := slots.acquire()
		require.NoError(t, err, "slot %d", i)
		releases[i] = release
	}

	_, err := slots.acquire()
	require.ErrorContains(t, err, "too many wait calls pending (max 64)")

	releases[0]()
	release, err := slots.acquire()
	require.NoError(t, err, "a released slot can be taken again")
	release()
	for _, release := range releases[1:] {
		release()
	}
	assert.Empty(t, slots, "every slot was given back")
}
