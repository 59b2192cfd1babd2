package app

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"

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

func TestLoadFileConfigZeroNamesKeyAndFile(t *testing.T) {
	path := writeConfig(t, "thresholds:\n  idle_timeout: 0s\n")
	_, err := LoadFileConfig(path)

	require.Error(t, err)
	assert.Equal(t, "thresholds.idle_timeout: 0s in "+path+": use a duration from 1s to 24h such as 30s, "+
		"or leave the key out for the default", err.Error())
}

func TestLoadFileConfigRangeNamesKeyAndFile(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"window", "thresholds:\n  window: 1ns\n",
			"thresholds.window: 1ns in %s is out of range: use a duration from 5s to 24h, or leave the key out for the default 1m"},
		{"idle over a day", "thresholds:\n  idle_timeout: 25h\n",
			"thresholds.idle_timeout: 25h0m0s in %s is out of range: use a duration from 1s to 24h"},
		{"cpu", "thresholds:\n  cpu_active: 17\n",
			"thresholds.cpu_active: 17 in %s is out of range: use CPU seconds per second above 0 and at most 16"},
		{"warn at", "thresholds:\n  warn_at: 1\n",
			"thresholds.warn_at: 1 in %s is out of range: use a fraction above 0 and under 1"},
		{"min score", "thresholds:\n  min_score: 101\n",
			"thresholds.min_score: 101 in %s is out of range: use a score from 1 to 100"},
		{"max attempts", "max_attempts: 50\n",
			"max_attempts: 50 in %s is out of range: use a number from 1 to 20, or leave the key out for the default 3"},
		{"max instances", "max_instances: -1\n", "max_instances: -1 in %s is out of range: use a number from 1 to 1000"},
		{"tick", "tick: 10ms\n", "tick: 10ms in %s is out of range: use a duration from 100ms to 1m"},
		{"kill grace", "kill_grace: -1s\n", "kill_grace: -1s in %s is out of range"},
		{"min free memory", "min_free_memory: 2000000\n",
			"min_free_memory: 2000000 in %s is out of range: use a number of MiB from 1 to 1048576, or leave the key out for the default 400"},
		{"max load", "max_load: -1\n",
			"max_load: -1 in %s is out of range: use a load average per core from 0.1 to 100, or 0 for no load check"},
		{"max message size", "max_message_size: 2048\n",
			"max_message_size: 2048 in %s is out of range: use a number of MiB from 1 to 1024, or leave the key out for the default 8"},
		{"negative weight", "weights:\n  file_points: -1\n",
			"weights.file_points: -1 in %s is out of range: use a positive whole number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeConfig(t, tt.text)
			_, err := LoadFileConfig(path)

			require.Error(t, err)
			assert.Contains(t, err.Error(), fmt.Sprintf(tt.want, path))
			assert.NotContains(t, err.Error(), "-max", "no flag is named")
		})
	}
}

func TestLoadFileConfigZeroIsError(t *testing.T) {
	for _, text := range []string{
		"max_instances: 0\n", "max_attempts: 0\n", "kill_grace: 0s\n", "tick: 0s\n", "min_free_memory: 0\n",
		"max_message_size: 0\n",
		"thresholds:\n  window: 0s\n", "thresholds:\n  min_score: 0\n", "thresholds:\n  cpu_active: 0\n",
		"thresholds:\n  warn_at: 0\n", "thresholds:\n  auth_stop_after: 0s\n", "weights:\n  file_points: 0\n",
	} {
		path := writeConfig(t, text)
		_, err := LoadFileConfig(path)

		require.Error(t, err, text)
		assert.Contains(t, err.Error(), "or leave the key out for the default", text)
	}
}

func TestLoadFileConfigSumNamesFile(t *testing.T) {
	path := writeConfig(t, "weights:\n  output_max: 30\n")
	_, err := LoadFileConfig(path)

	require.Error(t, err)
	assert.True(t, strings.HasPrefix(err.Error(), "config file "+path+": invalid weights"), err.Error())
}

func TestSetScoringRejectsOutOfRange(t *testing.T) {
	var th scoring.Thresholds
	var w scoring.Weights
	err := SetScoring(&th, &w, "window=1ns")

	require.Error(t, err)
	assert.Equal(t, "scoring setting window: 1ns is out of range: use a duration from 5s to 24h, "+
		"or leave the setting out for the default 1m", err.Error())
	assert.Zero(t, th.Window, "a rejected setting is not applied")
}

func TestSetScoringRejectsZero(t *testing.T) {
	var th scoring.Thresholds
	var w scoring.Weights

	err := SetScoring(&th, &w, "cpu_active=0")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "scoring setting cpu_active: 0: use CPU seconds per second above 0 and at most 16 such as 0.05")

	err = SetScoring(&th, &w, "code_tool_points=0")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "scoring setting code_tool_points: 0: use a positive whole number such as 10")
}

func TestSetScoringLeavesSumToFinalCheck(t *testing.T) {
	var th scoring.Thresholds
	var w scoring.Weights
	require.NoError(t, SetScoring(&th, &w, "files_max=40"))
	require.NoError(t, SetScoring(&th, &w, "output_max=15"))
	require.NoError(t, w.Validate())
}

func TestCheckFlagsNamesFlag(t *testing.T) {
	fc := FileConfig{Thresholds: scoring.Thresholds{IdleTimeout: 25 * time.Hour}}
	err := CheckFlags(fc, map[string]string{"idle-timeout": "thresholds.idle_timeout"})

	require.Error(t, err)
	assert.Equal(t, "-idle-timeout: 25h0m0s is out of range: use a duration from 1s to 24h, "+
		"or leave the flag out for the default 30s", err.Error())
}

func TestCheckFlagsRejectsZero(t *testing.T) {
	err := CheckFlags(FileConfig{}, map[string]string{"tick": "tick"})

	require.Error(t, err)
	assert.Equal(t, "-tick: 0s: use a duration from 100ms to 1m such as 1s, or leave the flag out for the default", err.Error())
}

func TestRetryBackoffRange(t *testing.T) {
	err := CheckFlags(FileConfig{RetryBackoff: 2 * time.Hour}, map[string]string{"retry-backoff": "retry_backoff"})

	require.Error(t, err)
	assert.Equal(t, "-retry-backoff: 2h0m0s is out of range: use a duration from 100ms to 1h, "+
		"or leave the flag out for the default 5s", err.Error())
}

func TestRetryBackoffReachesThePool(t *testing.T) {
	cfg := Config{MaxInstances: 1, WorkspaceRoot: t.TempDir(), RetryBackoff: 700 * time.Millisecond, Logger: zap.NewNop()}

	opts, err := cfg.poolOptions()

	require.NoError(t, err)
	assert.Equal(t, 700*time.Millisecond, opts.RetryBackoff.Base)
}

func TestMinFreeMemoryAboveTheMachineRejected(t *testing.T) {
	err := checkMinFreeMemory(1 << 20) // 1 TiB
	require.Error(t, err)
	assert.Contains(t, err.Error(), "min free memory 1048576 MiB is not below the machine's")
	assert.NoError(t, checkMinFreeMemory(DefaultMinFreeMemory))
}

func TestMaxLoadReachesPoolOptions(t *testing.T) {
	for _, text := range []string{"max_load: 0\n", "max_load: 2.5\n"} {
		_, err := LoadFileConfig(writeConfig(t, text))
		require.NoError(t, err, text)
	}
	fc, err := LoadFileConfig(writeConfig(t, "max_load: 2.5\n"))
	require.NoError(t, err)
	assert.InDelta(t, 2.5, fc.MaxLoad, 1e-9)

	opts, err := Config{MaxInstances: 1, WorkspaceRoot: t.TempDir(), MaxLoad: 2.5}.poolOptions()
	require.NoError(t, err)
	assert.InDelta(t, 2.5, opts.MaxLoad, 1e-9)
}

func TestLoadFileConfigWordNamesNumberWanted(t *testing.T) {
	_, err := LoadFileConfig(writeConfig(t, "max_load: abc\n"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "line 1: cannot unmarshal !!str `abc` into float64: write a number without quotes or units")

	_, err = LoadFileConfig(writeConfig(t, "thresholds:\n  min_score: high\n"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "line 2: cannot unmarshal !!str `high` into int: write a whole number without quotes or units")
}
