package profile

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fixtureScreens lists each Claude Code 2.1.197 capture in testdata with the
// observation the claude profile must make on it.
var fixtureScreens = []struct {
	name     string
	state    State
	rule     string
	question string
}{
	{"01-connectivity-failure", StateDialog, "connectivity_failure", ""},
	{"02-onboarding-theme", StateDialog, "theme", ""},
	{"03-trust-dialog", StateDialog, "trust", ""},
	{"04-api-key-dialog", StateDialog, "api_key", ""},
	{"05-bypass-warning-dialog", StateDialog, "bypass_permissions", ""},
	{"06-idle-ready", StateReady, "idle_prompt", ""},
	{"07-busy-early", StateWorking, "busy_footer", ""},
	{"08-busy-thinking", StateWorking, "busy_footer", ""},
	{"09-permission-write", StateWaitingInput, "permission_question", "Do you want to create hello.txt?"},
	{"10-idle-turn-finished", StateTurnFinished, "turn_summary", ""},
	{"11-exited", StateExited, "exited", ""},
	// Busy screens in acceptEdits mode, whose footer starts with the mode.
	{"12-busy-stall-counter", StateWorking, "busy_footer", ""},
	{"13-busy-streaming", StateWorking, "busy_footer", ""},
	{"14-busy-awaiting-reply", StateWorking, "busy_footer", ""},
	{"15-busy-tasks", StateWorking, "busy_footer", ""},
	{"16-busy-minutes", StateWorking, "busy_footer", ""},
	{"17-busy-retry", StateWorking, "busy_footer", ""},
	{"18-busy-silent-time-only", StateWorking, "busy_footer", ""},
	{"19-busy-think-time-only", StateWorking, "busy_footer", ""},
}

func TestClassifyTextFixtures(t *testing.T) {
	p := claudeProfile(t)
	for _, tc := range fixtureScreens {
		t.Run(tc.name, func(t *testing.T) {
			obs := p.Classify(readTextScreen(t, tc.name+".txt"), "")
			assert.Equal(t, tc.state, obs.State)
			assert.Equal(t, tc.rule, obs.Rule)
			assert.Equal(t, tc.question, obs.Question)
		})
	}
}

func TestClassifyRenderedANSIFixtures(t *testing.T) {
	p := claudeProfile(t)
	for _, tc := range fixtureScreens {
		t.Run(tc.name, func(t *testing.T) {
			obs := p.Classify(renderANSIScreen(t, tc.name+".ansi"), "")
			assert.Equal(t, tc.state, obs.State)
			assert.Equal(t, tc.rule, obs.Rule)
			assert.Equal(t, tc.question, obs.Question)
		})
	}
}

func TestClassifyDialogCarriesAnswer(t *testing.T) {
	p := claudeProfile(t)

	obs := p.Classify(readTextScreen(t, "04-api-key-dialog.txt"), "")

	require.NotNil(t, obs.Dialog)
	assert.Equal(t, []string{"up", "enter"}, obs.Dialog.Answer)
	assert.True(t, obs.Dialog.Answerable())
}

func TestClassifyUnanswerableDialogHasHelp(t *testing.T) {
	p := claudeProfile(t)

	obs := p.Classify(readTextScreen(t, "01-connectivity-failure.txt"), "")

	require.NotNil(t, obs.Dialog)
	assert.False(t, obs.Dialog.Answerable())
	assert.Contains(t, obs.Dialog.Help, "ANTHROPIC_AUTH_TOKEN")
}

func TestClassifyDialogIsACopy(t *testing.T) {
	p := claudeProfile(t)
	lines := readTextScreen(t, "03-trust-dialog.txt")

	first := p.Classify(lines, "")
	require.NotNil(t, first.Dialog)
	first.Dialog.Answer[0] = "esc"
	second := p.Classify(lines, "")

	assert.Equal(t, []string{"enter"}, second.Dialog.Answer)
}

func TestClassifyBlankScreenIsUnknown(t *testing.T) {
	p := claudeProfile(t)

	obs := p.Classify(nil, "")

	assert.Equal(t, StateUnknown, obs.State)
	assert.Empty(t, obs.Rule)
}

func TestClassifyBusyTitleMeansWorking(t *testing.T) {
	p := claudeProfile(t)
	// Enter was pressed: the title flips before the footer does.
	obs := p.Classify(readTextScreen(t, "06-idle-ready.txt"), "⠂ Claude Code")

	assert.Equal(t, StateWorking, obs.State)
	assert.Equal(t, "busy_title", obs.Rule)
}

// insertAbove returns lines with extra inserted at the end of the transcript
// area: above the rule that tops the input box ("────" over a "❯" line), and
// above the turn summary line ("✻ Baked for 40s") when there is one.
func insertAbove(t *testing.T, lines []string, extra ...string) []string {
	t.Helper()
	box := -1
	for i := len(lines) - 2; i >= 0 && box < 0; i-- {
		if strings.HasPrefix(lines[i], "────") && strings.HasPrefix(lines[i+1], "❯") {
			box = i
		}
	}
	require.GreaterOrEqual(t, box, 0, "no input box on the screen")
	at := box
	for at > 0 && strings.TrimSpace(lines[at-1]) == "" {
		at--
	}
	if at > 0 && strings.HasPrefix(lines[at-1], "✻ ") {
		at--
	} else {
		at = box
	}
	return slices.Concat(lines[:at], extra, lines[at:])
}

func TestClassifyTranscriptTextDoesNotFlipState(t *testing.T) {
	printed := []string{
		"● Run the build; press esc to interrupt it.",
		"esc to interrupt",
		"  esc to interrupt · ← for agents",
		"Resume this session with:",
		"Do you want to continue?",
		"Esc to cancel",
	}
	cases := []struct {
		fixture string
		state   State
	}{
		{"06-idle-ready.txt", StateReady},
		{"07-busy-early.txt", StateWorking},
		{"10-idle-turn-finished.txt", StateTurnFinished},
	}
	p := claudeProfile(t)
	for _, tc := range cases {
		t.Run(tc.fixture, func(t *testing.T) {
			lines := insertAbove(t, readTextScreen(t, tc.fixture), printed...)
			assert.Equal(t, tc.state, p.Classify(lines, "").State)
		})
	}
}

func TestClassifyTypedPromptDoesNotFlipState(t *testing.T) {
	p := claudeProfile(t)
	lines := readTextScreen(t, "06-idle-ready.txt")
	i := slices.IndexFunc(lines, func(line string) bool { return strings.HasPrefix(line, "❯") })
	require.GreaterOrEqual(t, i, 0)
	lines[i] = "❯ esc to interrupt"

	assert.Equal(t, StateReady, p.Classify(lines, "").State)
}

func TestClassifyAcceptEditsFooterIsReady(t *testing.T) {
	footers := []string{
		"  ⏵⏵ accept edits on (shift+tab to cycle) · ← for agents",
		"  ⏵⏵ bypass permissions on (shift+tab to cycle)",
		"  ⏸ plan mode on (shift+tab to cycle)",
	}
	p := claudeProfile(t)
	for _, footer := range footers {
		t.Run(footer, func(t *testing.T) {
			lines := readTextScreen(t, "06-idle-ready.txt")
			i := slices.IndexFunc(lines, func(line string) bool { return strings.Contains(line, "? for shortcuts") })
			require.GreaterOrEqual(t, i, 0)
			lines[i] = footer
			assert.Equal(t, StateReady, p.Classify(lines, "").State)
		})
	}
}

func TestClassifySecurityNotesDialog(t *testing.T) {
	p := claudeProfile(t)
	lines := []string{
		" Security notes:",
		"",
		" 1. Claude can make mistakes",
		"",
		" Press Enter to continue…",
	}

	obs := p.Classify(lines, "")

	assert.Equal(t, StateDialog, obs.State)
	assert.Equal(t, "security_notes", obs.Rule)
}

func TestClassifyTrimsNoBreakSpace(t *testing.T) {
	p := &Profile{States: []Rule{{Name: "end", State: StateReady, Pattern: `^❯$`}}}

	obs := p.Classify([]string{"❯\u00a0  "}, "")

	assert.Equal(t, StateReady, obs.State)
}

func TestClassifyBottomCountsNonBlankLines(t *testing.T) {
	p := &Profile{States: []Rule{{Name: "near", State: StateReady, All: []string{"marker"}, Bottom: 2}}}

	assert.Equal(t, StateReady, p.Classify([]string{"marker", "", "", "last"}, "").State)
	assert.Equal(t, StateUnknown, p.Classify([]string{"marker", "x", "last"}, "").State)
}

func TestClassifyNoneExcludes(t *testing.T) {
	p := &Profile{States: []Rule{{Name: "r", State: StateReady, All: []string{"a"}, None: []string{"b"}}}}

	assert.Equal(t, StateReady, p.Classify([]string{"a"}, "").State)
	assert.Equal(t, StateUnknown, p.Classify([]string{"a", "b"}, "").State)
}

func TestClassifyDialogNeedsAnyWhenSet(t *testing.T) {
	p := &Profile{Dialogs: []Dialog{{Name: "d", All: []string{"x"}, Any: []string{"y", "z"}}}}

	assert.Equal(t, StateUnknown, p.Classify([]string{"x"}, "").State)
	assert.Equal(t, StateDialog, p.Classify([]string{"x", "z"}, "").State)
}

func TestClassifyWithoutValidateCompilesPatterns(t *testing.T) {
	p := &Profile{States: []Rule{
		{Name: "broken", State: StateWorking, Pattern: `(`},
		{Name: "titled", State: StateReady, Title: `^✳`},
	}}

	obs := p.Classify([]string{"anything"}, "✳ Claude Code")

	assert.Equal(t, "titled", obs.Rule)
}

func TestClassifyPermissionQuestionListsChoices(t *testing.T) {
	p := claudeProfile(t)
	want := []Choice{
		{Key: "1", Label: "Yes", Selected: true},
		{Key: "2", Label: "Yes, allow all edits during this session (shift+tab)"},
		{Key: "3", Label: "No"},
	}

	fromText := p.Classify(readTextScreen(t, "09-permission-write.txt"), "")
	fromANSI := p.Classify(renderANSIScreen(t, "09-permission-write.ansi"), "")

	assert.Equal(t, want, fromText.Choices)
	assert.Equal(t, want, fromANSI.Choices)
	assert.Empty(t, p.Classify(readTextScreen(t, "06-idle-ready.txt"), "").Choices, "no question, no choices")
}
