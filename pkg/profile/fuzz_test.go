package profile

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// knownStates lists every state that Classify may return.
var knownStates = []State{
	StateUnknown, StateReady, StateWorking, StateWaitingInput,
	StateDialog, StateTurnFinished, StateExited,
}

// addScreenSeeds adds each tmux capture in testdata to the corpus, with
// the window title Claude Code 2.1.197 sets while busy and while idle.
func addScreenSeeds(f *testing.F) {
	f.Helper()
	names, err := filepath.Glob(filepath.Join("testdata", "*.txt"))
	require.NoError(f, err)
	require.NotEmpty(f, names, "no screen captures in testdata")
	for _, name := range names {
		data, err := os.ReadFile(name)
		require.NoError(f, err)
		f.Add(string(data), "✳ Claude Code")
		f.Add(string(data), "⠂ Working")
	}
	f.Add("", "")
	f.Add("✽ Zigzagging… (12s · ↓ 1.2k tokens)\n❯ \n  esc to interrupt", "")
}

// FuzzClassify checks the promises of Classify on arbitrary screens: the
// state is a known one, the rule, dialog and question fit the state, the
// result does not depend on trailing white space, and a question is a line
// of the screen.
func FuzzClassify(f *testing.F) {
	addScreenSeeds(f)
	p, err := Defaults().Lookup("claude")
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, text, title string) {
		lines := strings.Split(text, "\n")
		obs := p.Classify(lines, title)

		assert.Contains(t, knownStates, obs.State)
		assert.Equal(t, obs.State == StateUnknown, obs.Rule == "", "a rule is named unless the state is unknown")
		assert.Equal(t, obs.State == StateDialog, obs.Dialog != nil, "a dialog comes with the dialog state only")
		if obs.Question != "" {
			assert.True(t, slices.ContainsFunc(lines, func(line string) bool {
				return strings.Contains(line, obs.Question)
			}), "question %q is on the screen", obs.Question)
		}

		padded := make([]string, len(lines))
		for i, line := range lines {
			padded[i] = line + " \t\u00a0"
		}
		again := p.Classify(padded, title)
		assert.Equal(t, obs.State, again.State, "trailing white space changes nothing")
		assert.Equal(t, obs.Rule, again.Rule, "trailing white space changes nothing")
	})
}

// FuzzProgress checks that a counter Progress finds is non-negative, comes
// from a line of the screen and does not depend on trailing white space.
func FuzzProgress(f *testing.F) {
	addScreenSeeds(f)
	p, err := Defaults().Lookup("claude")
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, text, _ string) {
		lines := strings.Split(text, "\n")
		progress, ok := p.Progress(lines)

		padded := make([]string, len(lines))
		for i, line := range lines {
			padded[i] = line + "  "
		}
		again, okAgain := p.Progress(padded)
		assert.Equal(t, ok, okAgain, "trailing white space changes nothing")
		assert.Equal(t, progress, again, "trailing white space changes nothing")
		if !ok {
			assert.Equal(t, Progress{}, progress, "no counter means a zero value")
			return
		}
		assert.GreaterOrEqual(t, progress.Seconds, 0)
		assert.GreaterOrEqual(t, progress.Tokens, 0)
		assert.True(t, slices.ContainsFunc(lines, func(line string) bool {
			return strings.TrimSpace(line) == progress.Line
		}), "line %q is on the screen", progress.Line)
	})
}
