package main

import (
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/axiom-mcp/axiom-mcp/internal/app"
)

// configFor parses args as the serve command does and builds its config.
func configFor(t *testing.T, args ...string) error {
	t.Helper()
	fs, flags := newFlagSet("serve")
	fs.SetOutput(io.Discard)
	require.NoError(t, parseInterleaved(fs, args))
	_, cleanup, err := flags.config()
	if cleanup != nil {
		cleanup()
	}
	return err
}

func writeConfigFile(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "axiom.yaml")
	require.NoError(t, os.WriteFile(path, []byte(text), 0o600))
	return path
}

func TestConfigFileRangeNamesKey(t *testing.T) {
	path := writeConfigFile(t, "max_attempts: 50\n")
	err := configFor(t, "-config", path)

	require.Error(t, err)
	assert.Contains(t, err.Error(), "max_attempts: 50 in "+path+" is out of range")
	assert.NotContains(t, err.Error(), "-max-attempts")
}

func TestConfigFileZeroIsError(t *testing.T) {
	path := writeConfigFile(t, "thresholds:\n  idle_timeout: 0s\n")
	err := configFor(t, "-config", path)

	require.Error(t, err)
	assert.Contains(t, err.Error(), "thresholds.idle_timeout: 0s in "+path+": use a duration from 1s to 24h such as 30s")
}

func TestFlagRangeNamesFlag(t *testing.T) {
	err := configFor(t, "-max-attempts", "50")

	require.Error(t, err)
	assert.Contains(t, err.Error(), "-max-attempts: 50 is out of range: use a number from 1 to 20")
}

func TestFlagZeroIsError(t *testing.T) {
	err := configFor(t, "-idle-timeout", "0s")

	require.Error(t, err)
	assert.Contains(t, err.Error(), "-idle-timeout: 0s: use a duration from 1s to 24h such as 30s, or leave the flag out")
}

func TestScoringRangeNamesSetting(t *testing.T) {
	err := configFor(t, "-scoring", "warn_at=1.5")

	require.Error(t, err)
	assert.Contains(t, err.Error(), "-scoring: scoring setting warn_at: 1.5 is out of range: use a fraction above 0 and under 1")
}

func TestFlagOverridesFileValue(t *testing.T) {
	path := writeConfigFile(t, "thresholds:\n  idle_timeout: 45s\n")
	require.NoError(t, configFor(t, "-config", path, "-idle-timeout", time.Minute.String()))
}

func TestScoringSumCheckedAtEnd(t *testing.T) {
	require.NoError(t, configFor(t, "-scoring", "files_max=40", "-scoring", "output_max=15"))

	err := configFor(t, "-scoring", "files_max=40")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "add up to 100")
}

func TestMaxLoadFlagOutOfRange(t *testing.T) {
	err := configFor(t, "-max-load", "500")

	require.Error(t, err)
	assert.Contains(t, err.Error(), "-max-load: 500 is out of range: use a load average per core from 0.1 to 100")
	require.NoError(t, configFor(t, "-max-load", "0"))
	require.NoError(t, configFor(t, "-max-load", "4"))
}

func TestMaxMessageSizeFileAndFlag(t *testing.T) {
	sizeFor := func(args ...string) int {
		t.Helper()
		fs, flags := newFlagSet("serve")
		fs.SetOutput(io.Discard)
		require.NoError(t, parseInterleaved(fs, args))
		cfg, cleanup, err := flags.config()
		require.NoError(t, err)
		cleanup()
		return cfg.MaxMessageSize
	}
	path := writeConfigFile(t, "max_message_size: 16\n")
	assert.Equal(t, app.DefaultMaxMessageSize, sizeFor())
	assert.Equal(t, 16, sizeFor("-config", path))
	assert.Equal(t, 32, sizeFor("-config", path, "-max-message-size", "32"))

	err := configFor(t, "-max-message-size", "0")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "-max-message-size: 0: use a number of MiB from 1 to 1024 such as 8, or leave the flag out")
}
