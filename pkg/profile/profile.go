// Package profile describes coding-agent CLIs as data: how to start one, how
// it gets its prompt, when its task is done, and how to read its terminal
// screen. A profile's rules turn a rendered screen into a State, and its
// dialogs recognise startup screens that block the agent until a key is sent.
//
// The embedded defaults (defaults.yaml) cover Claude Code in its interactive
// and print modes, plus untested profiles for Codex, Gemini CLI, Aider and
// any other command. Load reads more profiles from a YAML file.
package profile

import "regexp"

// State is the activity of an agent as judged from its screen.
type State string

// States that Classify returns. A rule may name any of them except
// StateUnknown and StateDialog.
const (
	// StateUnknown means no dialog or rule matched, for example on the blank
	// screen while the agent starts.
	StateUnknown State = "unknown"
	// StateReady means the input box accepts a prompt.
	StateReady State = "ready"
	// StateWorking means the agent is busy with a turn.
	StateWorking State = "working"
	// StateWaitingInput means the agent waits for a permission decision. The
	// question is in Observation.Question.
	StateWaitingInput State = "waiting_input"
	// StateDialog means a startup dialog blocks the agent. The dialog is in
	// Observation.Dialog.
	StateDialog State = "dialog"
	// StateTurnFinished means the idle input box is back after a turn, below
	// the agent's summary line (Claude Code prints "✻ Baked for 40s").
	StateTurnFinished State = "turn_finished"
	// StateExited means the agent has printed its exit message.
	StateExited State = "exited"
)

// ruleStates are the states a Rule may produce.
var ruleStates = []State{StateReady, StateWorking, StateWaitingInput, StateTurnFinished, StateExited}

// Observation is the result of classifying one screen.
type Observation struct {
	// State is the state of the first matching dialog or rule.
	State State
	// Rule is the name of the matching rule or dialog, for logs and
	// `profile check`. It is empty for StateUnknown.
	Rule string
	// Dialog is a copy of the matching dialog for StateDialog, else nil.
	Dialog *Dialog
	// Question is the trimmed question line for StateWaitingInput, such as
	// "Do you want to create hello.txt?". It is empty when the rule has no
	// question pattern or no searched line matches it.
	Question string
	// Choices are the options the question offers, in screen order, when
	// the rule has a choice pattern.
	Choices []Choice
}

// Rule recognises one state on a screen. Every non-empty condition must hold
// for the rule to match.
type Rule struct {
	// Name identifies the rule in logs and `profile check` output.
	Name string `yaml:"name"`
	// State is the state the rule produces.
	State State `yaml:"state"`
	// All lists substrings that must each appear in the searched lines.
	All []string `yaml:"all,omitempty"`
	// Any lists substrings of which at least one must appear.
	Any []string `yaml:"any,omitempty"`
	// None lists substrings of which none may appear.
	None []string `yaml:"none,omitempty"`
	// Pattern is an RE2 regular expression that must match some searched
	// line.
	Pattern string `yaml:"pattern,omitempty"`
	// Title is an RE2 regular expression that must match the terminal title.
	Title string `yaml:"title,omitempty"`
	// Bottom limits the search to the last Bottom non-blank lines when
	// positive. Zero searches every line.
	Bottom int `yaml:"bottom,omitempty"`
	// Question is an RE2 regular expression. The first searched line that
	// matches it, trimmed, becomes Observation.Question. It does not decide
	// whether the rule matches.
	Question string `yaml:"question,omitempty"`
	// Choice is an RE2 regular expression for the option lines below the
	// question line. Its three groups are a mark that is not empty on the
	// selected option, the option's key, such as "1", and its label. The
	// matches become Observation.Choices.
	Choice string `yaml:"choice,omitempty"`
}

// Choice is one option that a question on screen offers.
type Choice struct {
	// Key is the number the agent shows before the option, such as "1".
	Key string `json:"key"`
	// Label is the option's text, such as "Yes".
	Label string `json:"label"`
	// Selected is true for the option that Enter picks.
	Selected bool `json:"selected,omitempty"`
}

// Dialog is a screen that blocks the agent until it is answered. Dialogs
// are matched against every line of the screen.
type Dialog struct {
	// Name identifies the dialog in logs and `profile check` output.
	Name string `yaml:"name"`
	// All lists substrings that must each appear on the screen.
	All []string `yaml:"all,omitempty"`
	// Any lists substrings of which at least one must appear, when set.
	Any []string `yaml:"any,omitempty"`
	// Answer lists the key names (see package termkeys) that answer the
	// dialog, sent in order. Empty means the dialog cannot be answered.
	Answer []string `yaml:"answer,omitempty"`
	// Help is the change, shown to the user, that keeps a dialog which
	// cannot be answered from appearing.
	Help string `yaml:"help,omitempty"`
}

// Answerable reports whether the dialog can be answered by sending keys.
func (d Dialog) Answerable() bool { return len(d.Answer) > 0 }

// Values of the enumerated Profile fields.
const (
	PromptArgument = "argument" // the prompt is an argument of Command
	PromptTyped    = "typed"    // the prompt is typed into the input box once ready

	StdinTerminal = "terminal"
	StdinNull     = "null"

	OutputScreen     = "screen"
	OutputStreamJSON = "stream-json"

	DoneExit = "exit" // the task ends when the program exits
	DoneTurn = "turn" // the task ends when the program's turn has finished

	TranscriptClaude = "claude" // session JSONL under the Claude config directory
)

// CommandProfileName is the profile whose Command the user gives (the
// server's --agent flag), so its embedded Command is empty.
const CommandProfileName = "command"

// Profile describes one agent CLI.
type Profile struct {
	// Name identifies the profile.
	Name string `yaml:"name"`
	// Extends names a profile that a file profile starts from. Fields the
	// file sets replace the inherited ones, lists as a whole, and Env is
	// merged key by key.
	Extends string `yaml:"extends,omitempty"`
	// Description is a one-line summary of the profile for `profile list`.
	Description string `yaml:"description,omitempty"`
	// CheckedVersion is the CLI version that the screens and flags were
	// checked against. Empty means not checked against a real CLI.
	CheckedVersion string `yaml:"checked_version,omitempty"`
	// Command is the agent command template, with the placeholders
	// {prompt}, {workspace}, {task_id}, {session_id} and {permission_mode}.
	Command string `yaml:"command,omitempty"`
	// Prompt is PromptArgument or PromptTyped.
	Prompt string `yaml:"prompt"`
	// Stdin is StdinTerminal or StdinNull.
	Stdin string `yaml:"stdin"`
	// Output is OutputScreen or OutputStreamJSON.
	Output string `yaml:"output"`
	// Done is DoneExit or DoneTurn.
	Done string `yaml:"done"`
	// PermissionMode is the default value of {permission_mode}, or empty
	// when the command does not use it.
	PermissionMode string `yaml:"permission_mode,omitempty"`
	// Transcript is TranscriptClaude or empty.
	Transcript string `yaml:"transcript,omitempty"`
	// ResumeFlag is the flag that continues an earlier session, such as
	// "--resume" for Claude Code. With it, the next instance after an
	// attempt that a failure of the model API ended continues that
	// attempt's session: the word before {session_id} in Command becomes
	// this flag, and the instance gets ResumePrompt instead of the task's
	// prompt. It applies only when Command passes {session_id} after a
	// flag and Transcript shows that the session took a prompt.
	ResumeFlag string `yaml:"resume_flag,omitempty"`
	// ResumePrompt is the prompt of a resumed session, which tells the
	// agent to go on with its task. ResumeFlag needs it.
	ResumePrompt string `yaml:"resume_prompt,omitempty"`
	// TrustWorkspaces marks the server's workspace root as trusted in the
	// Claude Code config before an instance starts, so the trust dialog
	// does not appear. Only Claude Code profiles use it.
	TrustWorkspaces bool `yaml:"trust_workspaces,omitempty"`
	// Env is extra environment for the agent process.
	Env map[string]string `yaml:"env,omitempty"`
	// PromptGuard lists characters that make the CLI treat a typed prompt
	// as a command of its own when the prompt starts with one, such as "!"
	// (a shell command) and "/" (a slash command) in Claude Code. Such a
	// prompt is typed with a leading space, which the CLI drops.
	PromptGuard string `yaml:"prompt_guard,omitempty"`
	// SubmitDelay is the pause between the typed prompt and Enter. Load and
	// Defaults set zero to DefaultSubmitDelay.
	SubmitDelay Duration `yaml:"submit_delay,omitempty"`
	// Close lists the steps that end the agent politely: "text:..." types
	// the text as is and "key:NAME" sends a key (see package termkeys).
	Close []string `yaml:"close,omitempty"`
	// ClearInput lists steps, in the format of Close, that empty the
	// agent's input box. When a session transcript shows that a submitted
	// prompt never arrived, the driver sends them and types the prompt
	// again. Empty means a prompt is never typed twice.
	ClearInput []string `yaml:"clear_input,omitempty"`
	// Dialogs are checked first, in order.
	Dialogs []Dialog `yaml:"dialogs,omitempty"`
	// States are checked after the dialogs, in order. The first match wins.
	States []Rule `yaml:"states,omitempty"`
	// ProgressPattern is an RE2 regular expression for the counter on the
	// agent's busy line, which Progress reads. Its optional named groups
	// hours, minutes and seconds give the elapsed time, and tokens the token
	// count ("1.2k" is 1200). Empty means the profile reads no counter.
	ProgressPattern string `yaml:"progress,omitempty"`

	// regexps caches the compiled Pattern, Title, Question, Choice and
	// ProgressPattern expressions by their source text. Validate fills it.
	// It is read-only afterwards, so a copy of the profile may share it.
	regexps map[string]*regexp.Regexp
}

// Resumes reports whether instances of the profile can continue the
// session of an earlier instance.
func (p *Profile) Resumes() bool { return p.ResumeFlag != "" && p.Transcript == TranscriptClaude }

// Interactive reports whether the prompt is typed into the agent's input
// box.
func (p *Profile) Interactive() bool { return p.Prompt == PromptTyped }
