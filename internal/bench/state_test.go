package bench

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMatchChangesFirstSighting(t *testing.T) {
	t0 := time.Unix(100, 0)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	changes := []seen{{at(0), "working"}, {at(400), "waiting_input"}, {at(800), "working"}}
	observed := []seen{
		{at(30), "working"},
		{at(390), "working"},        // before the change it would match
		{at(450), "waiting_input"},  // 50 ms after the second change
		{at(1300), "waiting_input"}, // the third change is never seen
	}
	res := matchChanges(changes, observed)
	assert.Equal(t, []time.Duration{30 * time.Millisecond, 50 * time.Millisecond}, res.latencies)
	assert.Equal(t, 3, res.changes)
	assert.Equal(t, 1, res.missed)
}

func TestMatchChangesMissesASightingAfterTheNextChange(t *testing.T) {
	t0 := time.Unix(100, 0)
	changes := []seen{{t0, "waiting_input"}, {t0.Add(300 * time.Millisecond), "working"}}
	observed := []seen{{t0.Add(400 * time.Millisecond), "waiting_input"}}
	res := matchChanges(changes, observed)
	assert.Equal(t, 2, res.missed)
	assert.Empty(t, res.latencies)
}

func TestReadFlipLog(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "flips.log"),
		[]byte("1000000000 working\n1500000000 waiting_input\n"), 0o644))
	changes, err := readFlipLog(dir)
	require.NoError(t, err)
	assert.Equal(t, []seen{{time.Unix(1, 0), "working"}, {time.Unix(1, 500000000), "waiting_input"}}, changes)
}

func TestReadFlipLogNamesABadLine(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "flips.log"), []byte("soon working\n"), 0o644))
	_, err := readFlipLog(dir)
	assert.ErrorContains(t, err, `line "soon working"`)
}

func TestStateResultMissesWhenAChangeIsMissed(t *testing.T) {
	fast := matchResult{latencies: []time.Duration{time.Millisecond}, changes: 2, missed: 1}
	base := matchResult{latencies: []time.Duration{250 * time.Millisecond}, changes: 2}
	assert.False(t, stateResult(fast, base).Met)
	fast.missed, fast.changes = 0, 1
	assert.True(t, stateResult(fast, base).Met)
}
