package claudecode

import (
	"os"
	"path/filepath"
	"strings"
)

// ConfigDir returns the directory where the CLI keeps its settings and
// transcripts: $CLAUDE_CONFIG_DIR from env (a KEY=VALUE list, where the last
// entry for a key wins, as in exec.Cmd.Env) when it is set and not empty,
// else $HOME/.claude. When env has no HOME, the home directory of the current
// process is used.
func ConfigDir(env []string) string {
	if dir := envValue(env, "CLAUDE_CONFIG_DIR"); dir != "" {
		return dir
	}
	return filepath.Join(homeDir(env), ".claude")
}

// ConfigFile returns the global config file that the CLI reads, where trust
// and onboarding are stored. Claude Code 2.1.197 reads the legacy file
// <config dir>/.config.json when it exists. Otherwise it reads .claude.json,
// or .claude-custom-oauth.json when CLAUDE_CODE_CUSTOM_OAUTH_URL is set, in
// $CLAUDE_CONFIG_DIR when that is set and not empty, else in $HOME.
func ConfigFile(env []string) string {
	legacy := filepath.Join(ConfigDir(env), ".config.json")
	if _, err := os.Stat(legacy); err == nil {
		return legacy
	}
	name := ".claude.json"
	if envValue(env, "CLAUDE_CODE_CUSTOM_OAUTH_URL") != "" {
		name = ".claude-custom-oauth.json"
	}
	if dir := envValue(env, "CLAUDE_CONFIG_DIR"); dir != "" {
		return filepath.Join(dir, name)
	}
	return filepath.Join(homeDir(env), name)
}

// envValue returns the value of the last key=value entry for key in env, or
// "" when there is none.
func envValue(env []string, key string) string {
	value := ""
	for _, entry := range env {
		if k, v, ok := strings.Cut(entry, "="); ok && k == key {
			value = v
		}
	}
	return value
}

// homeDir returns $HOME from env, else the current process's home directory.
// The CLI also falls back to the user database entry when HOME is unset.
func homeDir(env []string) string {
	if home := envValue(env, "HOME"); home != "" {
		return home
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return home
}
