package app

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/axiom-mcp/axiom-mcp/pkg/scoring/corpus"
)

// runScore runs the score command and returns its exit status, output and
// error output.
func runScore(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := ScoreCommand(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// stalledTrace prints a line a second for 8 s, then nothing.
const stalledTrace = `name: stalled
label: stalled
expect: kill-idle
duration: 120s
events:
  - {from: 0s, to: 8s, every: 1s, screen: working, print: ["part {n} of the answer"]}
`

// writeScoreFile writes content to name in a new temporary directory and
// returns the directory.
func writeScoreFile(t *testing.T, name, content string) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600))
	return dir
}

func TestScoreCorpusOneRowPerTrace(t *testing.T) {
	traces, err := corpus.Builtin()
	require.NoError(t, err)

	code, out, errOut := runScore("corpus")

	assert.Equal(t, 0, code, errOut)
	table, _, found := strings.Cut(out, "\n\n")
	require.True(t, found, "a blank line ends the table")
	rows := strings.Split(table, "\n")
	require.Len(t, rows, len(traces)+1)
	assert.Regexp(t, `^BEHAVIOUR\s+LABEL\s+EXPECTED\s+VERDICT\s+AT\s+TARGET\s+MET$`, rows[0])
	for i, trace := range traces {
		assert.True(t, strings.HasPrefix(rows[i+1], trace.Name+" "), "row %d: %q", i+1, rows[i+1])
	}
	assert.Contains(t, out, "targets met with idle_timeout 30s, unproductive_for 120s, min_score 20, input_timeout 120s\n")
}

func TestScoreCorpusRowContent(t *testing.T) {
	dir := writeScoreFile(t, "stalled.yaml", stalledTrace)

	code, out, errOut := runScore("corpus", "--dir", dir)

	assert.Equal(t, 0, code, errOut)
	assert.Regexp(t, `(?m)^stalled\s+stalled\s+kill-idle\s+kill-idle\s+38s\s+kill-idle by 43s \(idle clock from 8s \+ 30s \+ 5s\)\s+yes$`, out)
	assert.Contains(t, out, "\n1 of 1 targets met")
}

func TestScoreCorpusMarkdown(t *testing.T) {
	dir := writeScoreFile(t, "stalled.yaml", stalledTrace)

	code, out, _ := runScore("corpus", "--dir", dir, "--markdown")

	assert.Equal(t, 0, code)
	lines := strings.Split(out, "\n")
	require.GreaterOrEqual(t, len(lines), 3)
	assert.Equal(t, "| behaviour | label | expected | verdict | at | target | met |", lines[0])
	assert.Equal(t, "| --- | --- | --- | --- | --- | --- | --- |", lines[1])
	assert.Equal(t, "| stalled | stalled | kill-idle | kill-idle | 38s | kill-idle by 43s (idle clock from 8s + 30s + 5s) | yes |", lines[2])
}

func TestScoreCorpusMissedTargetExits1(t *testing.T) {
	// A coder labelled idle is never killed, so its target is missed.
	dir := writeScoreFile(t, "coder.yaml", `name: coder
label: idle
expect: kill-idle
duration: 60s
events:
  - {from: 0s, to: 60s, every: 5s, create: ["f{n}.go"], transcript: [write]}
`)

	code, out, errOut := runScore("corpus", "--dir", dir)

	assert.Equal(t, 1, code)
	assert.Empty(t, errOut)
	assert.Regexp(t, `(?m)^coder\s+idle\s+kill-idle\s+keep\s+-\s+.*\s+no$`, out)
	assert.Contains(t, out, "missed coder: not killed in 60s; the last activity was at 60s")
	assert.Contains(t, out, "0 of 1 targets met")
}

func TestScoreCorpusUsesConfigThresholds(t *testing.T) {
	dir := writeScoreFile(t, "stalled.yaml", stalledTrace)
	config := filepath.Join(writeScoreFile(t, "axiom.yaml", "thresholds:\n  idle_timeout: 60s\n"), "axiom.yaml")

	code, out, errOut := runScore("corpus", "--dir", dir, "--config", config)

	assert.Equal(t, 0, code, errOut)
	assert.Contains(t, out, " 68s ")
	assert.Contains(t, out, "kill-idle by 73s (idle clock from 8s + 60s + 5s)")
	assert.Contains(t, out, "idle_timeout 60s")
}

func TestScoreCorpusUsesScoringSettings(t *testing.T) {
	dir := writeScoreFile(t, "stalled.yaml", stalledTrace)

	code, out, errOut := runScore("corpus", "--dir", dir, "--scoring", "idle_timeout=60s", "--scoring", "min_score=30")

	assert.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "kill-idle by 73s (idle clock from 8s + 60s + 5s)")
	assert.Contains(t, out, "idle_timeout 60s, unproductive_for 120s, min_score 30,")
}

func TestScoreCorpusScoringOverridesConfig(t *testing.T) {
	dir := writeScoreFile(t, "stalled.yaml", stalledTrace)
	config := filepath.Join(writeScoreFile(t, "axiom.yaml", "thresholds:\n  idle_timeout: 45s\n"), "axiom.yaml")

	code, out, errOut := runScore("corpus", "--dir", dir, "--config", config, "--scoring", "idle_timeout=60s")

	assert.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "idle_timeout 60s")
}

func TestScoreCorpusInvalidScoring(t *testing.T) {
	cases := []struct {
		name, setting, want string
	}{
		{"out of range", "window=1ns", "--scoring: scoring setting window: 1ns is out of range"},
		{"unknown key", "idle=5s", `scoring setting "idle" is unknown`},
		{"not an assignment", "idle_timeout", "is not KEY=VALUE"},
		{"maxima off 100", "files_max=40", "add up to 100"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runScore("corpus", "--scoring", tc.setting)

			assert.Equal(t, 2, code)
			assert.Empty(t, out)
			assert.Contains(t, errOut, tc.want)
		})
	}
}

func TestScoreCorpusInvalidConfig(t *testing.T) {
	config := filepath.Join(writeScoreFile(t, "axiom.yaml", "thresholds:\n  idle: 60s\n"), "axiom.yaml")

	code, out, errOut := runScore("corpus", "--config", config)

	assert.Equal(t, 2, code, "a bad config file is a usage error, as for serve and run")
	assert.Empty(t, out)
	assert.Contains(t, errOut, config)
	assert.Contains(t, errOut, "field idle not found")
}

func TestScoreCorpusFractionalMinScore(t *testing.T) {
	code, _, errOut := runScore("corpus", "--scoring", "min_score=20.5")

	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "20.5 is not a whole number")
}

func TestScoreCorpusInvalidTrace(t *testing.T) {
	dir := writeScoreFile(t, "bad.yaml", "name: bad\nlabel: idle\nexpect: kill-idle\nduration: 60s\nevents: [{from: 0s, to: 10s}]\n")

	code, out, errOut := runScore("corpus", "--dir", dir)

	assert.Equal(t, 1, code)
	assert.Empty(t, out)
	assert.Contains(t, errOut, filepath.Join(dir, "bad.yaml"))
	assert.Contains(t, errOut, "events[0].every 0s is invalid")
}

func TestScoreUsageErrors(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no subcommand", nil, "missing subcommand"},
		{"unknown subcommand", []string{"traces"}, `unknown subcommand "traces"`},
		{"extra argument", []string{"corpus", "testdata"}, `corpus takes no arguments, got "testdata"`},
		{"unknown flag", []string{"corpus", "--idle", "5s"}, "flag provided but not defined: -idle"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runScore(tc.args...)

			assert.Equal(t, 2, code)
			assert.Empty(t, out)
			assert.Contains(t, errOut, tc.want)
		})
	}
}

func TestScoreHelp(t *testing.T) {
	code, out, _ := runScore("help")

	assert.Equal(t, 0, code)
	assert.Contains(t, out, "axiom-mcp score corpus [--dir DIR] [--config FILE] [--scoring KEY=VALUE]... [--markdown]")
}
