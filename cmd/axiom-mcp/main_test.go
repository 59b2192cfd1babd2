package main

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseInterleavedTakesFlagsAfterFile(t *testing.T) {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	n := fs.Int("max-instances", 10, "")
	var prompts stringList
	fs.Var(&prompts, "prompt", "")
	require.NoError(t, parseInterleaved(fs, []string{"tasks.yaml", "-max-instances", "4", "-prompt", "x"}))
	assert.Equal(t, 4, *n)
	assert.Equal(t, []string{"tasks.yaml"}, fs.Args())
	assert.Equal(t, stringList{"x"}, prompts)
}

func TestParseInterleavedStopsAtDoubleDash(t *testing.T) {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	n := fs.Int("max-instances", 10, "")
	require.NoError(t, parseInterleaved(fs, []string{"-max-instances", "2", "--", "-odd-name.yaml"}))
	assert.Equal(t, 2, *n)
	assert.Equal(t, []string{"-odd-name.yaml"}, fs.Args())
}

func TestRunCleanupCommand(t *testing.T) {
	root := t.TempDir()
	empty := filepath.Join(root, "t-empty")
	require.NoError(t, os.Mkdir(empty, 0o755))

	assert.Equal(t, 0, run([]string{"cleanup", "--workspace-root", root, "--dry-run"}))
	assert.DirExists(t, empty, "a dry run removes nothing")
	assert.Equal(t, 0, run([]string{"cleanup", "--workspace-root", root}))
	assert.NoDirExists(t, empty)
}

func TestRunCleanupRejectsArguments(t *testing.T) {
	assert.Equal(t, 2, run([]string{"cleanup", "--workspace-root", t.TempDir(), "extra"}))
}

func TestParseBadFlagPointsToHelp(t *testing.T) {
	fs, _ := newFlagSet("run")
	var out strings.Builder
	fs.SetOutput(&out)

	code, ok := parse(fs, []string{"-max-load", "abc"})

	assert.Equal(t, 2, code)
	assert.False(t, ok)
	assert.Equal(t, "axiom-mcp run: invalid value \"abc\" for flag -max-load: parse error\n"+
		"run 'axiom-mcp run -h' to list the flags\n", out.String())
}

func TestParseHelpListsFlags(t *testing.T) {
	fs, _ := newFlagSet("run")
	var out strings.Builder
	fs.SetOutput(&out)

	code, ok := parse(fs, []string{"-h"})

	assert.Equal(t, 0, code)
	assert.False(t, ok)
	assert.Contains(t, out.String(), "-max-load float")
}

func TestParseBadDurationNamesUnit(t *testing.T) {
	fs, _ := newFlagSet("run")
	var out strings.Builder
	fs.SetOutput(&out)

	code, _ := parse(fs, []string{"-idle-timeout", "5"})

	assert.Equal(t, 2, code)
	assert.Contains(t, out.String(), "for flag -idle-timeout: parse error: write a duration with its unit, such as 30s or 2m\n")
}
