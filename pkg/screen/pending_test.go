package screen

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPendingBufferKeepsNewestBytesInOrder(t *testing.T) {
	const maxBytes = 1000
	b := pendingBuffer{max: maxBytes}
	var model []byte
	next := byte(0)
	dst := make([]byte, 300)
	for step := range 2000 {
		// Appends of varied sizes overflow the buffer again and again; a
		// take now and then makes room, as the renderer does.
		p := make([]byte, 1+step*37%150)
		for k := range p {
			p[k] = next
			next++
		}
		dropped := b.Append(p)
		model = append(model, p...)
		wantDropped := max(0, len(model)-maxBytes)
		model = model[wantDropped:]
		require.Equal(t, wantDropped, dropped, "step %d", step)
		require.LessOrEqual(t, cap(b.buf), 2*maxBytes, "step %d", step)
		if step%7 == 0 {
			n := b.Take(dst)
			require.Equal(t, model[:n], dst[:n], "step %d", step)
			model = model[n:]
		}
		require.Equal(t, model, b.Queued(), "step %d", step)
	}
}

func TestPendingBufferDiscard(t *testing.T) {
	b := pendingBuffer{max: 100}
	b.Append([]byte("0123456789"))
	b.Discard(4)
	assert.Equal(t, []byte("456789"), b.Queued())
	b.Discard(6)
	assert.Zero(t, b.Len())
	assert.Zero(t, b.head, "an empty buffer starts over at the front")
}
