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
		{"missing name", "label: idle\nexpect: kill-idle\nduration: 60s\nsamples: [{from: 0s, to: 1s, every: 1s}]\n", "name is missing"},
		{"unknown label", "name: x\nlabel: lazy\nexpect: keep\nduration: 60s\n", `label "lazy" is invalid`},
		{"expect against label", "name: x\nlabel: productive\nexpect: kill-idle\nduration: 60s\n", `expect "kill-idle" is invalid for label productive`},
		{"within without kill", "name: x\nlabel: productive\nexpect: keep\nwithin: 5s\nduration: 60s\n", "within 5s is invalid for expect keep"},
		{"missing duration", "name: x\nlabel: idle\nexpect: kill-idle\n", "duration 0s is invalid"},
		{"fractional duration", "name: x\nlabel: idle\nexpect: kill-idle\nduration: 1500ms\n", "duration 1.5s is invalid"},
		{"bad duration text", "name: x\nlabel: idle\nexpect: kill-idle\nduration: soon\n", "cannot unmarshal"},
		{"no segments", validHeader, "samples is missing"},
		{"segment past duration", validHeader + "samples: [{from: 0s, to: 90s, every: 1s}]\n", "samples[0].to 1m30s is invalid"},
		{"segment zero every", validHeader + "samples: [{from: 0s, to: 10s}]\n", "samples[0].every 0s is invalid"},
		{"segment negative lines", validHeader + "samples: [{from: 0s, to: 10s, every: 1s, changed_lines: -1}]\n", "samples[0].changed_lines -1 is invalid"},
		{"unknown tool", validHeader + "samples: [{from: 0s, to: 10s, every: 1s, tools: {write: 1}}]\n", `samples[0].tools has unknown kind "write"`},
		{"unknown state", validHeader + "samples: [{from: 0s, to: 10s, every: 1s, state: busy}]\n", `samples[0].state "busy" is invalid`},
		{"unknown upstream", validHeader + "samples: [{from: 0s, to: 10s, every: 1s, upstream: {kind: teapot}}]\n", `samples[0].upstream.kind "teapot" is invalid`},
		{"state conflict", validHeader + "samples:\n  - {from: 0s, to: 10s, every: 1s, state: working}\n" +
			"  - {from: 4s, to: 5s, every: 1s, state: waiting_input}\n", "tick 5s: samples[0] sets state working and samples[1] sets state waiting_input"},
		{"two documents", validHeader + "samples: [{from: 0s, to: 1s, every: 1s}]\n---\nname: other\n", "more than one YAML document"},
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
	body := validHeader + "samples: [{from: 0s, to: 1s, every: 1s}]\n"
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
	writeTrace(t, dir, "b.yaml", "name: second\nlabel: idle\nexpect: kill-idle\nduration: 60s\nsamples: [{from: 0s, to: 1s, every: 1s}]\n")
	writeTrace(t, dir, "a.yaml", "name: first\nlabel: idle\nexpect: kill-idle\nduration: 60s\nsamples: [{from: 0s, to: 1s, every: 1s}]\n")
	writeTrace(t, dir, "README.md", "not a trace")

	traces, err := Load(dir)

	require.NoError(t, err)
	require.Len(t, traces, 2)
	assert.Equal(t, "first", traces[0].Name)
	assert.Equal(t, "second", traces[1].Name)
	assert.Equal(t, filepath.Join(dir, "a.yaml"), traces[0].File)
}
