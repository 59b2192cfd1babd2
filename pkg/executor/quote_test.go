package executor

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestQuoteRefCutsLongRefs(t *testing.T) {
	assert.Equal(t, `"t-0123456789"`, QuoteRef("t-0123456789"))
	long := strings.Repeat("x", 500000)
	assert.Equal(t, `"`+strings.Repeat("x", quotedRefMax)+`"… (500000 bytes)`, QuoteRef(long))
}

func TestUnknownLongIDsAreNotEchoed(t *testing.T) {
	pool := startPool(t, Options{Thresholds: longThresholds()})
	long := strings.Repeat("x", 500000)

	_, err := pool.Status(Filter{TaskID: long})
	require.Error(t, err)
	assert.Less(t, len(err.Error()), 300, "status")
	_, err = pool.Kill(long, "test", false)
	require.Error(t, err)
	assert.Less(t, len(err.Error()), 300, "kill")
	_, err = pool.Cancel([]string{long}, "test")
	require.Error(t, err)
	assert.Less(t, len(err.Error()), 300, "cancel")
	assert.Contains(t, err.Error(), "(500000 bytes)")
}
