package profile

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/axiom-mcp/axiom-mcp/pkg/agent"
	"github.com/axiom-mcp/axiom-mcp/pkg/claudecode"
	"github.com/axiom-mcp/axiom-mcp/pkg/termkeys"
)

var profileNamePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// Validate checks every field and compiles the regular expressions that
// Classify and Progress use. Each error names the profile, the field and
// the bad value, and gives the fix. Validate changes the profile's
// expression cache, so it must not run while another goroutine uses the
// profile.
func (p *Profile) Validate() error {
	if !profileNamePattern.MatchString(p.Name) {
		return fmt.Errorf("profile name %q is invalid: use letters, digits, '.', '_' or '-', starting with a letter or digit", p.Name)
	}
	checks := []func() error{p.validateModes, p.validateCommand, p.validateResume, p.validateEnv, p.validateClose,
		p.validateDialogs}
	for _, check := range checks {
		if err := check(); err != nil {
			return fmt.Errorf("profile %q: %w", p.Name, err)
		}
	}
	regexps, err := p.validateRules()
	if err != nil {
		return fmt.Errorf("profile %q: %w", p.Name, err)
	}
	if err := p.validateProgress(regexps); err != nil {
		return fmt.Errorf("profile %q: %w", p.Name, err)
	}
	if err := p.validateScreenNeeds(); err != nil {
		return fmt.Errorf("profile %q: %w", p.Name, err)
	}
	p.regexps = regexps
	return nil
}

func (p *Profile) validateModes() error {
	fields := []struct {
		name, value string
		allowed     []string
	}{
		{"prompt", p.Prompt, []string{PromptArgument, PromptTyped}},
		{"stdin", p.Stdin, []string{StdinTerminal, StdinNull}},
		{"output", p.Output, []string{OutputScreen, OutputStreamJSON}},
		{"done", p.Done, []string{DoneExit, DoneTurn}},
		{"transcript", p.Transcript, []string{"", TranscriptClaude}},
	}
	for _, f := range fields {
		if !slices.Contains(f.allowed, f.value) {
			return fmt.Errorf("%s %q is invalid: use one of %s", f.name, f.value, quoteAll(f.allowed))
		}
	}
	if p.SubmitDelay < 0 {
		return fmt.Errorf("submit_delay %s is negative: use a duration such as \"200ms\", or leave it out for %s",
			p.SubmitDelay, DefaultSubmitDelay)
	}
	return nil
}

// validateCommand parses Command as the executor will. Only the profile
// named "command" may leave it empty, because the user gives that command.
func (p *Profile) validateCommand() error {
	if p.Command == "" {
		if p.Name == CommandProfileName {
			return nil
		}
		return fmt.Errorf("command is missing: give the agent command, such as %q", "claude -p {prompt}")
	}
	parse := agent.Parse
	if p.Interactive() {
		parse = agent.ParseTyped
	}
	tpl, err := parse(p.Command)
	if err != nil {
		return fmt.Errorf("command: %w", err)
	}
	if unknown := tpl.UnknownPlaceholders(); len(unknown) > 0 {
		return fmt.Errorf("command %q has unknown placeholders %s: use {prompt}, {workspace}, {task_id}, "+
			"{session_id} or {permission_mode}", p.Command, strings.Join(unknown, ", "))
	}
	if p.PermissionMode != "" && !claudecode.ValidPermissionMode(p.PermissionMode) {
		return fmt.Errorf("permission_mode %q is invalid: use one of %s", p.PermissionMode,
			strings.Join(claudecode.PermissionModes, ", "))
	}
	if tpl.Uses(agent.PermissionModePlaceholder) && p.PermissionMode == "" {
		return fmt.Errorf("command %q uses %s but permission_mode is empty: set permission_mode, such as %q",
			p.Command, agent.PermissionModePlaceholder, "acceptEdits")
	}
	return nil
}

// validateResume checks that a resume flag is one flag word and comes with
// a prompt and a transcript to find the session by.
func (p *Profile) validateResume() error {
	switch {
	case p.ResumeFlag == "" && p.ResumePrompt == "":
		return nil
	case p.ResumeFlag == "":
		return fmt.Errorf("resume_prompt is set but resume_flag is empty: set resume_flag, such as %q, "+
			"or remove resume_prompt", "--resume")
	case !strings.HasPrefix(p.ResumeFlag, "-") || strings.ContainsAny(p.ResumeFlag, " \t\n"):
		return fmt.Errorf("resume_flag %q is invalid: use one flag word, such as %q", p.ResumeFlag, "--resume")
	case strings.TrimSpace(p.ResumePrompt) == "":
		return fmt.Errorf("resume_flag %q needs resume_prompt: give the prompt that asks the agent to go on "+
			"with its task", p.ResumeFlag)
	case p.Transcript != TranscriptClaude:
		return fmt.Errorf("resume_flag %q needs transcript %q, which shows whether the session took a prompt: "+
			"set transcript, or remove resume_flag", p.ResumeFlag, TranscriptClaude)
	}
	return nil
}

func (p *Profile) validateEnv() error {
	for key := range p.Env {
		if key == "" || strings.ContainsAny(key, "=\x00") {
			return fmt.Errorf("env name %q is invalid: use a name without '=' or NUL, such as %q", key, "IS_SANDBOX")
		}
	}
	return nil
}

func (p *Profile) validateClose() error {
	if _, err := p.CloseBytes(); err != nil {
		return err
	}
	_, err := p.ClearInputBytes()
	return err
}

func (p *Profile) validateDialogs() error {
	seen := map[string]bool{}
	for i, d := range p.Dialogs {
		if d.Name == "" {
			return fmt.Errorf("dialogs[%d]: name is missing: give each dialog a name", i)
		}
		if seen[d.Name] {
			return fmt.Errorf("dialog %q is defined twice: rename one of them", d.Name)
		}
		seen[d.Name] = true
		if err := validateDialog(d); err != nil {
			return fmt.Errorf("dialog %q: %w", d.Name, err)
		}
	}
	return nil
}

func validateDialog(d Dialog) error {
	if len(d.All) == 0 && len(d.Any) == 0 {
		return errors.New("all and any are both empty: list the text that identifies the dialog")
	}
	if err := checkSubstrings("all", d.All); err != nil {
		return err
	}
	if err := checkSubstrings("any", d.Any); err != nil {
		return err
	}
	if !d.Answerable() {
		if strings.TrimSpace(d.Help) == "" {
			return errors.New("answer and help are both empty: list the keys that answer it, " +
				"or say in help what the user must change")
		}
		return nil
	}
	if _, err := termkeys.Encode(d.Answer); err != nil {
		return fmt.Errorf("answer: %w", err)
	}
	return nil
}

// validateRules checks the States rules and returns their compiled
// expressions by source text.
func (p *Profile) validateRules() (map[string]*regexp.Regexp, error) {
	regexps := map[string]*regexp.Regexp{}
	seen := map[string]bool{}
	for i, r := range p.States {
		if r.Name == "" {
			return nil, fmt.Errorf("states[%d]: name is missing: give each rule a name", i)
		}
		if seen[r.Name] {
			return nil, fmt.Errorf("rule %q is defined twice: rename one of them", r.Name)
		}
		seen[r.Name] = true
		if err := validateRule(r, regexps); err != nil {
			return nil, fmt.Errorf("rule %q: %w", r.Name, err)
		}
	}
	return regexps, nil
}

func validateRule(r Rule, regexps map[string]*regexp.Regexp) error {
	if !slices.Contains(ruleStates, r.State) {
		return fmt.Errorf("state %q is invalid: use one of %s (dialogs go under dialogs)", r.State, quoteAll(ruleStates))
	}
	if len(r.All) == 0 && len(r.Any) == 0 && r.Pattern == "" && r.Title == "" {
		return errors.New("all, any, pattern and title are all empty: give at least one, " +
			"because a rule with only none would match almost any screen")
	}
	for _, list := range []struct {
		field  string
		values []string
	}{{"all", r.All}, {"any", r.Any}, {"none", r.None}} {
		if err := checkSubstrings(list.field, list.values); err != nil {
			return err
		}
	}
	if r.Bottom < 0 {
		return fmt.Errorf("bottom %d is negative: use 0 to search every line or N for the last N non-blank lines", r.Bottom)
	}
	if (r.Question != "" || r.Choice != "") && r.State != StateWaitingInput {
		return fmt.Errorf("question or choice is set on a %q rule: only %q rules report a question, so remove it",
			r.State, StateWaitingInput)
	}
	if r.Choice != "" && r.Question == "" {
		return fmt.Errorf("choice is set without question: the choices are read below the question line, so " +
			"set question too")
	}
	err := compileAll(regexps, map[string]string{"pattern": r.Pattern, "title": r.Title, "question": r.Question,
		"choice": r.Choice})
	if err != nil {
		return err
	}
	if re := regexps[r.Choice]; re != nil && re.NumSubexp() != 3 {
		return fmt.Errorf("choice %q has %d groups: use three, for the selection mark, the key and the label",
			r.Choice, re.NumSubexp())
	}
	return nil
}

func compileAll(regexps map[string]*regexp.Regexp, exprs map[string]string) error {
	for _, field := range []string{"pattern", "title", "question", "choice"} {
		expr := exprs[field]
		if expr == "" {
			continue
		}
		re, err := regexp.Compile(expr)
		if err != nil {
			return fmt.Errorf("%s %q is not a valid RE2 regular expression: fix its syntax: %w", field, expr, err)
		}
		regexps[expr] = re
	}
	return nil
}

// validateScreenNeeds checks that a profile whose prompt is typed or whose
// task ends with the turn has the rules that the executor waits for.
func (p *Profile) validateScreenNeeds() error {
	if p.Interactive() {
		if p.Stdin != StdinTerminal || p.Output != OutputScreen {
			return fmt.Errorf("prompt %q needs stdin %q and output %q, not %q and %q: change them or use prompt %q",
				PromptTyped, StdinTerminal, OutputScreen, p.Stdin, p.Output, PromptArgument)
		}
		if !p.hasRuleFor(StateReady) {
			return fmt.Errorf("prompt %q needs a %q rule to know when to type: add one under states", PromptTyped, StateReady)
		}
	}
	if p.Done == DoneTurn {
		if p.Output != OutputScreen {
			return fmt.Errorf("done %q needs output %q, not %q: use done %q", DoneTurn, OutputScreen, p.Output, DoneExit)
		}
		if !p.hasRuleFor(StateTurnFinished) {
			return fmt.Errorf("done %q needs a %q rule: add one under states or use done %q",
				DoneTurn, StateTurnFinished, DoneExit)
		}
	}
	return nil
}

func (p *Profile) hasRuleFor(state State) bool {
	for _, r := range p.States {
		if r.State == state {
			return true
		}
	}
	return false
}

func checkSubstrings(field string, values []string) error {
	for i, v := range values {
		if v == "" {
			return fmt.Errorf("%s[%d] is empty: remove it, because an empty text matches every screen", field, i)
		}
	}
	return nil
}

func quoteAll[T ~string](values []T) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = fmt.Sprintf("%q", string(v))
	}
	return strings.Join(quoted, ", ")
}
