package screen

import (
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestScreenKeepsRowsAfterClose(t *testing.T) {
	s := startScreen(t, Options{})
	writeAll(t, s, []byte("hello\r\nworld"))
	flush(t, s)
	require.NoError(t, s.Close())

	assert.Equal(t, []string{"hello", "world"}, s.Lines())
	assert.Equal(t, []string{"world"}, s.Tail(1))
}

// TestClosedScreensReleaseEmulator keeps closed screens alive, as the pool
// keeps those of ended instances, and checks that they no longer hold
// their emulators, about 5 MiB each.
func TestClosedScreensReleaseEmulator(t *testing.T) {
	const screens = 20
	before := heapAlloc()
	kept := make([]*Screen, screens)
	for n := range kept {
		kept[n] = New(Options{})
		writeAll(t, kept[n], []byte("row"))
		require.NoError(t, kept[n].Close())
	}
	grown := int64(heapAlloc()) - int64(before)
	assert.Less(t, grown, int64(screens<<20), "closed screens keep %d bytes", grown)
	runtime.KeepAlive(kept)
}

// heapAlloc returns the bytes of live heap objects after a collection.
func heapAlloc() uint64 {
	runtime.GC()
	var stats runtime.MemStats
	runtime.ReadMemStats(&stats)
	return stats.HeapAlloc
}
