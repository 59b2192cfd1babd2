// Package claudeenv prepares an isolated environment in which the Claude
// Code CLI talks only to a model server on loopback: its own home, config
// and temp directories, a seeded config that skips onboarding, and the
// variables that stop every other lookup it makes (measured on Claude Code
// 2.1.197: with these set it resolves no host but the base URL's).
package claudeenv

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// Prepare creates home, config and temp directories under dir and returns
// the environment variables that point Claude Code at baseURL and keep it
// off the network otherwise. trusted lists directories to mark as trusted
// (any ancestor of a workspace covers it).
func Prepare(dir, baseURL string, trusted ...string) ([]string, error) {
	home := filepath.Join(dir, "home")
	config := filepath.Join(dir, "claude-config")
	tmp := filepath.Join(dir, "tmp")
	for _, d := range []string{home, config, tmp} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, fmt.Errorf("create %s: %w", d, err)
		}
	}
	if err := seedConfig(filepath.Join(config, ".claude.json"), trusted); err != nil {
		return nil, err
	}
	return []string{
		"HOME=" + home,
		"CLAUDE_CONFIG_DIR=" + config,
		"CLAUDE_CODE_TMPDIR=" + tmp,
		"ANTHROPIC_BASE_URL=" + baseURL,
		"ANTHROPIC_AUTH_TOKEN=scripted-model-token",
		"ANTHROPIC_API_KEY=",
		"CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1",
		"CLAUDE_CODE_DISABLE_OFFICIAL_MARKETPLACE_AUTOINSTALL=1",
		"DISABLE_TELEMETRY=1",
		"DISABLE_ERROR_REPORTING=1",
		"DISABLE_AUTOUPDATER=1",
	}, nil
}

func seedConfig(path string, trusted []string) error {
	projects := make(map[string]any, len(trusted))
	for _, dir := range trusted {
		projects[dir] = map[string]bool{"hasTrustDialogAccepted": true}
	}
	data, err := json.MarshalIndent(map[string]any{
		"hasCompletedOnboarding":                  true,
		"officialMarketplaceAutoInstallAttempted": true,
		"officialMarketplaceAutoInstalled":        true,
		"projects":                                projects,
	}, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", path, err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// FindBinary returns the Claude Code binary to use: $AXIOM_CLAUDE_BIN, else
// the copy installed under .cache/npm in the module root above start, else
// claude on PATH. It returns an empty string when none is found.
func FindBinary(start string) string {
	if bin := os.Getenv("AXIOM_CLAUDE_BIN"); bin != "" {
		return bin
	}
	for dir := start; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			bin := filepath.Join(dir, ".cache", "npm", "node_modules", ".bin", "claude")
			if _, err := os.Stat(bin); err == nil {
				return bin
			}
			break
		}
		if filepath.Dir(dir) == dir {
			break
		}
	}
	if bin, err := exec.LookPath("claude"); err == nil {
		return bin
	}
	return ""
}
