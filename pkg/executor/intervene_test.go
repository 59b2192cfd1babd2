package executor

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestInterventionWritesSplitsKeys(t *testing.T) {
	writes, err := interventionWrites("3", []string{"down", "down", "enter"})
	require.NoError(t, err)
	want := [][]byte{[]byte("3"), []byte("\x1b[B"), []byte("\x1b[B"), []byte("\r")}
	assert.Equal(t, want, writes)
}

func TestInterventionWritesNeedsInput(t *testing.T) {
	_, err := interventionWrites("", nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "nothing to send")
}

func TestGuardPromptSpacesCommandMarkers(t *testing.T) {
	assert.Equal(t, " !touch x", guardPrompt("!touch x", "!/"))
	assert.Equal(t, " /help", guardPrompt("/help", "!/"))
	assert.Equal(t, "make x", guardPrompt("make x", "!/"))
	assert.Equal(t, "!x", guardPrompt("!x", ""))
}
