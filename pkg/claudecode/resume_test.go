package claudecode

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestResumableNeedsAUserMessage(t *testing.T) {
	configDir, path := transcriptFile(t)
	ok, err := Resumable(configDir, testSessionID)
	require.NoError(t, err)
	assert.False(t, ok, "no transcript")

	appendFile(t, path, []byte(`{"type":"ai-title","aiTitle":"x"}`+"\n"))
	ok, err = Resumable(configDir, testSessionID)
	require.NoError(t, err)
	assert.False(t, ok, "no user message yet")

	appendFile(t, path, []byte(`{"type":"user","uuid":"u1","message":{"role":"user","content":"hi"}}`+"\n"))
	ok, err = Resumable(configDir, testSessionID)
	require.NoError(t, err)
	assert.True(t, ok)
}

func TestResumableRejectsBadSessionID(t *testing.T) {
	_, err := Resumable(t.TempDir(), "../x")
	assert.ErrorContains(t, err, "invalid session ID")
}

// TestSkipExistingDropsEarlierRun follows the transcript of a session
// whose turn ended on a 529, as a resumed run of the CLI finds it, and
// checks that only records appended afterwards are reported.
func TestSkipExistingDropsEarlierRun(t *testing.T) {
	earlier, err := os.ReadFile(filepath.Join("testdata", interactiveOverloadedCapture))
	require.NoError(t, err)
	configDir, path := transcriptFile(t)
	appendFile(t, path, earlier)

	transcript := NewTranscript(configDir, testSessionID)
	require.NoError(t, transcript.SkipExisting())
	assert.Equal(t, path, transcript.Path())

	update, err := transcript.Poll()
	require.NoError(t, err)
	assert.Empty(t, update.APIErrors, "the earlier run's error is not reported again")
	assert.Zero(t, update.TurnsFinished, "the earlier run's turn is not counted")

	appendFile(t, path, []byte(`{"type":"system","subtype":"turn_duration","uuid":"new-turn"}`+"\n"))
	update, err = transcript.Poll()
	require.NoError(t, err)
	assert.Equal(t, 1, update.TurnsFinished)

	// A file rewritten whole is read again, but its earlier records stay skipped.
	require.NoError(t, os.Remove(path))
	appendFile(t, path, earlier)
	update, err = transcript.Poll()
	require.NoError(t, err)
	assert.Empty(t, update.APIErrors)
	assert.Zero(t, update.TurnsFinished)
}
