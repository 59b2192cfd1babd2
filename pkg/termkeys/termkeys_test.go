package termkeys

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEncodeJoinsKeysInOrder(t *testing.T) {
	seq, err := Encode([]string{"Down", " enter "})
	require.NoError(t, err)
	assert.Equal(t, "\x1b[B\r", seq)
}

func TestEncodeNamesTheUnknownKey(t *testing.T) {
	_, err := Encode([]string{"enter", "hyper"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"hyper"`)
}

func TestNamesAreSorted(t *testing.T) {
	names := Names()
	assert.IsIncreasing(t, names)
}
