package claudecode

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConfigDir(t *testing.T) {
	cases := []struct {
		name string
		env  []string
		want string
	}{
		{"config dir set", []string{"HOME=/h", "CLAUDE_CONFIG_DIR=/c"}, "/c"},
		{"last entry wins", []string{"CLAUDE_CONFIG_DIR=/a", "CLAUDE_CONFIG_DIR=/b"}, "/b"},
		{"empty config dir", []string{"HOME=/h", "CLAUDE_CONFIG_DIR="}, "/h/.claude"},
		{"home only", []string{"HOME=/h", "PATH=/bin"}, "/h/.claude"},
		{"value with equals sign", []string{"CLAUDE_CONFIG_DIR=/x=y"}, "/x=y"},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, ConfigDir(c.env), c.name)
	}
}

func TestConfigDirWithoutHome(t *testing.T) {
	home, err := os.UserHomeDir()
	require.NoError(t, err)

	assert.Equal(t, filepath.Join(home, ".claude"), ConfigDir([]string{"PATH=/bin"}))
}

func TestConfigFile(t *testing.T) {
	cases := []struct {
		name string
		env  []string
		want string
	}{
		{"config dir set", []string{"HOME=/h", "CLAUDE_CONFIG_DIR=/c"}, "/c/.claude.json"},
		{"home only", []string{"HOME=/h"}, "/h/.claude.json"},
		{"custom OAuth URL", []string{"HOME=/h", "CLAUDE_CODE_CUSTOM_OAUTH_URL=http://127.0.0.1:1"},
			"/h/.claude-custom-oauth.json"},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, ConfigFile(c.env), c.name)
	}
}

func TestConfigFilePrefersLegacyFile(t *testing.T) {
	dir := t.TempDir()
	legacy := filepath.Join(dir, ".config.json")
	require.NoError(t, os.WriteFile(legacy, []byte("{}"), 0o600))

	assert.Equal(t, legacy, ConfigFile([]string{"CLAUDE_CONFIG_DIR=" + dir}))
}
