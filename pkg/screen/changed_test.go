package screen

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestChangedClosesWhenBytesAreRendered(t *testing.T) {
	s := startScreen(t, Options{Cols: 20, Rows: 4})
	changed := s.Changed()
	select {
	case <-changed:
		t.Fatal("the channel closed before anything was written")
	default:
	}
	writeAll(t, s, []byte("hello"))
	select {
	case <-changed:
	case <-time.After(waitLimit):
		t.Fatal("the channel did not close after a write was rendered")
	}
	flush(t, s)
	assert.Equal(t, "hello", s.Lines()[0])
}

func TestChangedGivesAFreshChannelAfterAChange(t *testing.T) {
	s := startScreen(t, Options{Cols: 20, Rows: 4})
	writeAll(t, s, []byte("a"))
	flush(t, s)
	next := s.Changed()
	require.NotNil(t, next)
	select {
	case <-next:
		t.Fatal("a channel taken after the last render is already closed")
	default:
	}
}
