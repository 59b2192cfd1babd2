package profile

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDefaultsAllValidate(t *testing.T) {
	set := Defaults()
	for _, name := range set.Names() {
		t.Run(name, func(t *testing.T) {
			p, err := set.Lookup(name)
			require.NoError(t, err)
			assert.NoError(t, p.Validate())
		})
	}
}

func TestDefaultsNames(t *testing.T) {
	want := []string{"claude", "claude-print", "codex", "gemini", "aider", "command"}

	assert.Equal(t, want, Defaults().Names())
}

func TestDefaultsClaudeSettings(t *testing.T) {
	p := claudeProfile(t)

	assert.Equal(t, "2.1.197", p.CheckedVersion)
	assert.True(t, p.Interactive())
	assert.Equal(t, DoneTurn, p.Done)
	assert.Equal(t, "acceptEdits", p.PermissionMode)
	assert.Equal(t, DefaultSubmitDelay, p.SubmitDelay)
	assert.Equal(t, []string{"key:ctrl-u", "text:/exit", "key:enter"}, p.Close)
}

func TestDefaultsUncheckedProfilesSaySo(t *testing.T) {
	for _, name := range []string{"codex", "gemini", "aider"} {
		t.Run(name, func(t *testing.T) {
			p, err := Defaults().Lookup(name)
			require.NoError(t, err)
			assert.Empty(t, p.CheckedVersion)
			assert.Contains(t, p.Description, "not checked against a real CLI")
			assert.False(t, p.Interactive())
		})
	}
}

func TestDefaultsCommandProfileHasNoCommand(t *testing.T) {
	p, err := Defaults().Lookup(CommandProfileName)
	require.NoError(t, err)

	assert.Empty(t, p.Command)
	assert.NoError(t, p.Validate())
}

// validProfile returns a small profile that passes Validate.
func validProfile() *Profile {
	return &Profile{
		Name:    "test",
		Command: "agent {prompt}",
		Prompt:  PromptArgument,
		Stdin:   StdinNull,
		Output:  OutputScreen,
		Done:    DoneExit,
		Dialogs: []Dialog{{Name: "trust", All: []string{"Trust?"}, Answer: []string{"enter"}}},
		States:  []Rule{{Name: "idle", State: StateReady, Pattern: `^>`}},
		Close:   []string{"key:ctrl-c"},
	}
}

func TestValidateAcceptsValidProfile(t *testing.T) {
	assert.NoError(t, validProfile().Validate())
}

func TestValidateRejects(t *testing.T) {
	cases := []struct {
		name   string
		change func(p *Profile)
		want   []string // substrings of the error, besides the profile name
	}{
		{"unknown state", func(p *Profile) { p.States[0].State = "idle" }, []string{`rule "idle"`, `state "idle"`, `"ready"`}},
		{"dialog state in a rule", func(p *Profile) { p.States[0].State = StateDialog }, []string{`state "dialog"`}},
		{"bad pattern", func(p *Profile) { p.States[0].Pattern = `(` }, []string{`pattern "("`, "RE2"}},
		{"bad title", func(p *Profile) { p.States[0].Title = `[` }, []string{`title "["`}},
		{"bad question", func(p *Profile) {
			p.States[0].State = StateWaitingInput
			p.States[0].Question = `*`
		}, []string{`question "*"`}},
		{"question on other state", func(p *Profile) { p.States[0].Question = `x` }, []string{"question or choice is set", `"ready"`}},
		{"choice without question", func(p *Profile) {
			p.States[0].State = StateWaitingInput
			p.States[0].Choice = `^(>)?(\d)\. (.*)$`
		}, []string{"choice is set without question"}},
		{"choice with two groups", func(p *Profile) {
			p.States[0].State = StateWaitingInput
			p.States[0].Question = `\?$`
			p.States[0].Choice = `^(\d)\. (.*)$`
		}, []string{`choice "^(\\d)\\. (.*)$" has 2 groups`, "use three"}},
		{"unknown answer key", func(p *Profile) { p.Dialogs[0].Answer = []string{"enterr"} }, []string{`dialog "trust"`, `"enterr"`, "enter"}},
		{"unknown close key", func(p *Profile) { p.Close = []string{"key:exit"} }, []string{`close[0] "key:exit"`, `"exit"`}},
		{"close without prefix", func(p *Profile) { p.Close = []string{"/exit"} }, []string{`"/exit"`, "text:"}},
		{"empty close text", func(p *Profile) { p.Close = []string{"text:"} }, []string{"text is empty"}},
		{"dialog without help", func(p *Profile) { p.Dialogs[0].Answer = nil }, []string{"help"}},
		{"dialog without text", func(p *Profile) { p.Dialogs[0].All = nil }, []string{"all and any"}},
		{"rule without condition", func(p *Profile) {
			p.States[0].Pattern = ""
			p.States[0].None = []string{"x"}
		}, []string{"at least one"}},
		{"empty substring", func(p *Profile) { p.States[0].Any = []string{""} }, []string{"any[0] is empty"}},
		{"negative bottom", func(p *Profile) { p.States[0].Bottom = -1 }, []string{"bottom -1"}},
		{"unknown placeholder", func(p *Profile) { p.Command = "agent --id {sesion_id}" }, []string{"{sesion_id}", "{session_id}"}},
		{"unknown permission mode", func(p *Profile) { p.PermissionMode = "yolo" }, []string{`permission_mode "yolo"`, "acceptEdits"}},
		{"duplicate rule", func(p *Profile) { p.States = append(p.States, p.States[0]) }, []string{`rule "idle" is defined twice`}},
		{"prompt mode", func(p *Profile) { p.Prompt = "stdin" }, []string{`prompt "stdin"`, `"typed"`}},
		{"stdin mode", func(p *Profile) { p.Stdin = "pipe" }, []string{`stdin "pipe"`}},
		{"output mode", func(p *Profile) { p.Output = "json" }, []string{`output "json"`}},
		{"done mode", func(p *Profile) { p.Done = "idle" }, []string{`done "idle"`}},
		{"transcript kind", func(p *Profile) { p.Transcript = "codex" }, []string{`transcript "codex"`}},
		{"missing command", func(p *Profile) { p.Command = "" }, []string{"command is missing"}},
		{"unterminated quote", func(p *Profile) { p.Command = `agent "x` }, []string{"unterminated quote"}},
		{"typed with prompt placeholder", func(p *Profile) {
			p.Prompt = PromptTyped
			p.Stdin = StdinTerminal
		}, []string{"{prompt}"}},
		{"permission mode missing", func(p *Profile) { p.Command = "agent --mode {permission_mode}" }, []string{"permission_mode is empty"}},
		{"typed needs terminal", func(p *Profile) {
			p.Prompt = PromptTyped
			p.Command = "agent"
		}, []string{`stdin "terminal"`}},
		{"turn needs rule", func(p *Profile) { p.Done = DoneTurn }, []string{`"turn_finished" rule`}},
		{"negative submit delay", func(p *Profile) { p.SubmitDelay = -1 }, []string{"submit_delay"}},
		{"bad env name", func(p *Profile) { p.Env = map[string]string{"A=B": "c"} }, []string{`env name "A=B"`}},
		{"bad profile name", func(p *Profile) { p.Name = "my profile" }, []string{`"my profile"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := validProfile()
			tc.change(p)

			err := p.Validate()

			require.Error(t, err)
			if p.Name == "test" {
				assert.Contains(t, err.Error(), `profile "test"`)
			}
			for _, want := range tc.want {
				assert.Contains(t, err.Error(), want)
			}
		})
	}
}

func TestValidateCommandProfileMayOmitCommand(t *testing.T) {
	p := validProfile()
	p.Name = CommandProfileName
	p.Command = ""

	assert.NoError(t, p.Validate())
}

func TestCloseBytesPerStep(t *testing.T) {
	p := claudeProfile(t)

	steps, err := p.CloseBytes()

	require.NoError(t, err)
	assert.Equal(t, [][]byte{[]byte("\x15"), []byte("/exit"), []byte("\r")}, steps)
}

func TestCloseBytesKeepsTextAsIs(t *testing.T) {
	p := &Profile{Close: []string{"text: key:enter ", "key:Ctrl-C"}}

	steps, err := p.CloseBytes()

	require.NoError(t, err)
	assert.Equal(t, [][]byte{[]byte(" key:enter "), []byte("\x03")}, steps)
}

func TestDialogAnswerable(t *testing.T) {
	assert.True(t, Dialog{Answer: []string{"enter"}}.Answerable())
	assert.False(t, Dialog{Help: "set a key"}.Answerable())
}

func TestDefaultsOnlyClaudeResumes(t *testing.T) {
	for _, name := range Defaults().Names() {
		p, err := Defaults().Lookup(name)
		require.NoError(t, err)
		assert.Equal(t, name == "claude", p.Resumes(), name)
	}
	p := claudeProfile(t)
	assert.Equal(t, "--resume", p.ResumeFlag)
	assert.Contains(t, p.ResumePrompt, "Continue the task")
}

func TestValidateResumeFields(t *testing.T) {
	cases := []struct {
		name, flag, prompt, transcript, want string
	}{
		{"prompt without flag", "", "go on", TranscriptClaude, "resume_flag is empty"},
		{"flag without dash", "resume", "go on", TranscriptClaude, `resume_flag "resume" is invalid`},
		{"flag with space", "--resume x", "go on", TranscriptClaude, "is invalid"},
		{"flag without prompt", "--resume", " ", TranscriptClaude, "needs resume_prompt"},
		{"flag without transcript", "--resume", "go on", "", "needs transcript"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := validProfile()
			p.ResumeFlag, p.ResumePrompt, p.Transcript = c.flag, c.prompt, c.transcript
			assert.ErrorContains(t, p.Validate(), c.want)
		})
	}
}
