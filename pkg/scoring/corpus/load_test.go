package corpus

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// writeTrace writes content to name in dir and returns the file's path.
func writeTrace(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
	return path
}

const validHeader = "name: sample\nlabel: idle\nexpect: kill-idle\nduration: 60s\n"

func TestLoadRejectsBadFiles(t *testing.T) {
	cases := []struct {
		name    string
		content string
		field   string
	}{
		{"unknown key", validHeader + "sample: []\n", "field sample not found"},
		{"missing name", "label: idle\nexpect: kill-idle\nduration: 60s\nevents: [{from: 0s, to: 1s, every: 1s}]\n", "name is missing"},
		{"unknown label", "name: x\nlabel: lazy\nexpect: keep\nduration: 60s\n", `label "lazy" is invalid`},
		{"expect against label", "name: x\nlabel: productive\nexpect: kill-idle\nduration: 60s\n", `expect "kill-idle" is invalid for label productive`},
		{"within without kill", "name: x\nlabel: productive\nexpect: keep\nwithin: 5s\nduration: 60s\n", "within 5s is invalid for expect keep"},
		{"missing duration", "name: x\nlabel: idle\nexpect: kill-idle\n", "duration 0s is invalid"},
		{"fractional duration", "name: x\nlabel: idle\nexpect: kill-idle\nduration: 1500ms\n", "duration 1.5s is invalid"},
		{"bad duration text", "name: x\nlabel: idle\nexpect: kill-idle\nduration: soon\n", "cannot unmarshal"},
		{"no segments", validHeader, "events is missing"},
		{"segment past duration", validHeader + "events: [{from: 0s, to: 90s, every: 1s}]\n", "events[0].to 1m30s is invalid"},
		{"segment zero every", validHeader + "events: [{from: 0s, to: 10s}]\n", "events[0].every 0s is invalid"},
		{"unknown frame", validHeader + "events: [{from: 0s, to: 10s, every: 1s, screen: busy}]\n", `events[0].screen "busy" names no frame`},
		{"unknown record", validHeader + "events: [{from: 0s, to: 10s, every: 1s, transcript: [wrote]}]\n", `events[0].transcript names no record "wrote"`},
		{"absolute path", validHeader + "events: [{from: 0s, to: 10s, every: 1s, create: [/etc/passwd]}]\n", `events[0].create path "/etc/passwd" is invalid`},
		{"negative cpu", validHeader + "events: [{from: 0s, to: 10s, every: 1s, cpu: -1s}]\n", "events[0].cpu -1s is invalid"},
		{"unknown profile", validHeader + "profile: vim\nevents: [{from: 0s, to: 1s, every: 1s}]\n", "profile:"},
		{"frame conflict", validHeader + "events:\n  - {from: 0s, to: 10s, every: 1s, screen: working}\n" +
			"  - {from: 4s, to: 5s, every: 1s, screen: permission}\n", "tick 5s: events[0] shows frame working and events[1] shows frame permission"},
		{"two documents", validHeader + "events: [{from: 0s, to: 1s, every: 1s}]\n---\nname: other\n", "more than one YAML document"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := writeTrace(t, dir, "bad.yaml", tc.content)

			_, err := Load(dir)

			require.Error(t, err)
			assert.Contains(t, err.Error(), path)
			assert.Contains(t, err.Error(), tc.field)
		})
	}
}

func TestLoadRejectsDuplicateNames(t *testing.T) {
	dir := t.TempDir()
	body := validHeader + "events: [{from: 0s, to: 1s, every: 1s}]\n"
	first := writeTrace(t, dir, "a.yaml", body)
	second := writeTrace(t, dir, "b.yml", body)

	_, err := Load(dir)

	require.Error(t, err)
	assert.Contains(t, err.Error(), second)
	assert.Contains(t, err.Error(), first)
}

func TestLoadEmptyDirectory(t *testing.T) {
	dir := t.TempDir()
	writeTrace(t, dir, "notes.txt", "not a trace")

	_, err := Load(dir)

	require.Error(t, err)
	assert.Contains(t, err.Error(), "contains no *.yaml or *.yml files")
}

func TestLoadMissingDirectory(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "absent"))

	require.Error(t, err)
	assert.ErrorIs(t, err, os.ErrNotExist)
}

func TestLoadSortsByFileName(t *testing.T) {
	dir := t.TempDir()
	writeTrace(t, dir, "b.yaml", "name: second\nlabel: idle\nexpect: kill-idle\nduration: 60s\nevents: [{from: 0s, to: 1s, every: 1s}]\n")
	writeTrace(t, dir, "a.yaml", "name: first\nlabel: idle\nexpect: kill-idle\nduration: 60s\nevents: [{from: 0s, to: 1s, every: 1s}]\n")
	writeTrace(t, dir, "README.md", "not a trace")

	traces, err := Load(dir)

	require.NoError(t, err)
	require.Len(t, traces, 2)
	assert.Equal(t, "first", traces[0].Name)
	assert.Equal(t, "second", traces[1].Name)
	assert.Equal(t, filepath.Join(dir, "a.yaml"), traces[0].File)
}
