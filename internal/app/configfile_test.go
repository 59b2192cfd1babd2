package app

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/axiom-mcp/axiom-mcp/pkg/scoring"
)

func writeConfig(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "axiom.yaml")
	require.NoError(t, os.WriteFile(path, []byte(text), 0o600))
	return path
}

func TestLoadFileConfigReadsScoring(t *testing.T) {
	path := writeConfig(t, "max_instances: 4\nthresholds:\n  idle_timeout: 45s\nweights:\n  research_limit: 9\n")
	fc, err := LoadFileConfig(path)
	require.NoError(t, err)
	assert.Equal(t, 4, fc.MaxInstances)
	assert.Equal(t, 45*time.Second, fc.Thresholds.IdleTimeout)
	assert.Equal(t, 9, fc.Weights.ResearchLimit)
}

func TestLoadFileConfigRejectsUnknownKey(t *testing.T) {
	path := writeConfig(t, "thresholds:\n  idle_timout: 45s\n")
	_, err := LoadFileConfig(path)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "idle_timout")
	assert.Contains(t, err.Error(), path)
}

func TestLoadFileConfigRejectsBadMaxima(t *testing.T) {
	path := writeConfig(t, "weights:\n  files_max: 80\n")
	_, err := LoadFileConfig(path)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "files_max")
}

func TestSetScoringThresholdAndWeight(t *testing.T) {
	var th scoring.Thresholds
	var w scoring.Weights
	require.NoError(t, SetScoring(&th, &w, "idle_timeout=45s"))
	require.NoError(t, SetScoring(&th, &w, "file_points = 30"))
	assert.Equal(t, 45*time.Second, th.IdleTimeout)
	assert.Equal(t, 30, w.FilePoints)
}

func TestSetScoringNamesUnknownKey(t *testing.T) {
	var th scoring.Thresholds
	var w scoring.Weights
	err := SetScoring(&th, &w, "idel_timeout=45s")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"idel_timeout" is unknown`)
}

func TestSetScoringNamesBadValue(t *testing.T) {
	var th scoring.Thresholds
	var w scoring.Weights
	err := SetScoring(&th, &w, "idle_timeout=soon")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "idle_timeout")
}
