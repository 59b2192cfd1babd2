package agent

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseClaudePrintCommand(t *testing.T) {
	tpl, err := Parse("claude -p {prompt} --output-format stream-json --verbose --permission-mode acceptEdits")
	require.NoError(t, err)
	assert.Equal(t, StdinNull, tpl.Stdin, "claude -p waits for end of stdin")
	argv := tpl.Expand(Vars{Prompt: "make a.txt; rm -rf / $(x)"})
	assert.Equal(t, []string{"claude", "-p", "make a.txt; rm -rf / $(x)",
		"--output-format", "stream-json", "--verbose", "--permission-mode", "acceptEdits"}, argv)
}

func TestParseAppendsPrompt(t *testing.T) {
	tpl, err := Parse(`/usr/bin/agent --flag "two words" 'single $quoted' back\ slash`)
	require.NoError(t, err)
	assert.Equal(t, StdinTerminal, tpl.Stdin)
	assert.Equal(t, []string{"/usr/bin/agent", "--flag", "two words", "single $quoted", "back slash", "P"},
		tpl.Expand(Vars{Prompt: "P"}))
}

func TestParseWorkspaceAndTask(t *testing.T) {
	tpl, err := Parse("run --dir {workspace} --id {task_id} {prompt} --after")
	require.NoError(t, err)
	assert.Equal(t, []string{"run", "--dir", "/w", "--id", "t-1", "go", "--after"},
		tpl.Expand(Vars{Prompt: "go", Workspace: "/w", TaskID: "t-1"}))
}

func TestParseRejectsBadCommands(t *testing.T) {
	_, err := Parse("   ")
	require.ErrorContains(t, err, "empty")
	_, err = Parse(`agent "open`)
	require.ErrorContains(t, err, "unterminated quote")
}

func TestParseTypedKeepsThePromptOut(t *testing.T) {
	tpl, err := ParseTyped("claude --session-id {session_id} --permission-mode {permission_mode}")
	require.NoError(t, err)
	argv := tpl.Expand(Vars{Prompt: "p", SessionID: "s-1", PermissionMode: "acceptEdits"})
	assert.Equal(t, []string{"claude", "--session-id", "s-1", "--permission-mode", "acceptEdits"}, argv)
}

func TestParseTypedRejectsAPromptPlaceholder(t *testing.T) {
	_, err := ParseTyped("claude {prompt}")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "{prompt}")
}

func TestUnknownPlaceholdersListsMisspellings(t *testing.T) {
	tpl, err := Parse("agent {sesion_id} {task_id} {} {x")
	require.NoError(t, err)
	assert.Equal(t, []string{"{sesion_id}"}, tpl.UnknownPlaceholders())
}

func TestWithProgramKeepsArguments(t *testing.T) {
	tpl := MustParse("./agent --x {prompt}").WithProgram("/abs/agent")
	assert.Equal(t, []string{"/abs/agent", "--x", "P"}, tpl.Expand(Vars{Prompt: "P"}))
}

func TestResumingReplacesTheSessionFlag(t *testing.T) {
	tpl, err := ParseTyped("claude --session-id {session_id} --permission-mode {permission_mode}")
	require.NoError(t, err)
	resumed, ok := tpl.Resuming("--resume")
	require.True(t, ok)

	argv := resumed.Expand(Vars{SessionID: "s-1", PermissionMode: "acceptEdits"})
	assert.Equal(t, []string{"claude", "--resume", "s-1", "--permission-mode", "acceptEdits"}, argv)
	assert.Equal(t, "claude --session-id {session_id} --permission-mode {permission_mode}", tpl.String(),
		"the original template is unchanged")
}

func TestResumingNeedsASessionFlag(t *testing.T) {
	for _, command := range []string{"codex exec {prompt}", "{session_id} run"} {
		tpl, err := Parse(command)
		require.NoError(t, err)
		_, ok := tpl.Resuming("--resume")
		assert.False(t, ok, command)
	}
}
