// Package agent turns an agent command template and a task into the argument
// vector and environment of one agent process. The prompt always travels as
// one argument of its own and never through a shell.
package agent

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Placeholders a template may contain. Each must be a whole word of the
// template; it is replaced by the value, which stays one argument.
const (
	PromptPlaceholder         = "{prompt}"
	WorkspacePlaceholder      = "{workspace}"
	TaskPlaceholder           = "{task_id}"
	SessionPlaceholder        = "{session_id}"
	PermissionModePlaceholder = "{permission_mode}"
)

// Template is a parsed agent command.
type Template struct {
	argv []string
	// Stdin is the source of the agent's standard input.
	Stdin Stdin
}

// Stdin selects the agent's standard input.
type Stdin int

const (
	// StdinTerminal connects stdin to the instance's terminal, so the agent
	// can be typed into.
	StdinTerminal Stdin = iota
	// StdinNull gives the agent /dev/null, for headless CLIs that wait for
	// end of input before they start (Claude Code in print mode does).
	StdinNull
)

// Vars are the values that replace the placeholders.
type Vars struct {
	Prompt    string
	Workspace string
	TaskID    string
	// SessionID is a fresh UUID per instance, or the ID of the session a
	// resumed instance continues. Claude Code takes it as --session-id (or
	// --resume) and names its transcript after it.
	SessionID string
	// PermissionMode is the permission mode the task runs with.
	PermissionMode string
}

// Parse splits command into words the way a POSIX shell would for plain
// words, single quotes, double quotes and backslashes, without expanding
// anything. A template without {prompt} gets the prompt as its last
// argument. A command whose program is claude in print mode (-p) reads
// stdin from /dev/null.
func Parse(command string) (Template, error) {
	argv, err := splitWords(command)
	if err != nil {
		return Template{}, fmt.Errorf("parse agent command %q: %w", command, err)
	}
	if len(argv) == 0 {
		return Template{}, fmt.Errorf("agent command is empty: give a program such as %q", "claude")
	}
	if !contains(argv, PromptPlaceholder) {
		argv = append(argv, PromptPlaceholder)
	}
	tpl := Template{argv: argv}
	if isClaudePrint(argv) {
		tpl.Stdin = StdinNull
	}
	return tpl, nil
}

// ParseTyped parses the command of an agent that gets its prompt typed into
// its terminal once it is ready, so no {prompt} argument is added; a
// {prompt} placeholder is an error because the prompt would be given twice.
func ParseTyped(command string) (Template, error) {
	argv, err := splitWords(command)
	if err != nil {
		return Template{}, fmt.Errorf("parse agent command %q: %w", command, err)
	}
	if len(argv) == 0 {
		return Template{}, fmt.Errorf("agent command is empty: give a program such as %q", "claude")
	}
	if contains(argv, PromptPlaceholder) {
		return Template{}, fmt.Errorf("agent command %q contains %s, but this agent gets the prompt typed in: "+
			"remove the placeholder", command, PromptPlaceholder)
	}
	return Template{argv: argv}, nil
}

// UnknownPlaceholders returns the words of the template that look like a
// placeholder, such as {sesion_id}, but match none of the known ones.
func (t Template) UnknownPlaceholders() []string {
	var unknown []string
	for _, word := range t.argv {
		if !strings.HasPrefix(word, "{") || !strings.HasSuffix(word, "}") || len(word) < 3 {
			continue
		}
		switch word {
		case PromptPlaceholder, WorkspacePlaceholder, TaskPlaceholder, SessionPlaceholder, PermissionModePlaceholder:
		default:
			unknown = append(unknown, word)
		}
	}
	return unknown
}

// Uses reports whether the template contains the placeholder.
func (t Template) Uses(placeholder string) bool { return contains(t.argv, placeholder) }

// MustParse is Parse for templates known at compile time.
func MustParse(command string) Template {
	tpl, err := Parse(command)
	if err != nil {
		panic(err)
	}
	return tpl
}

// Program returns the program name or path of the template, or an empty
// string for the zero Template.
func (t Template) Program() string {
	if len(t.argv) == 0 {
		return ""
	}
	return t.argv[0]
}

// WithProgram returns a copy of the template that runs program instead.
func (t Template) WithProgram(program string) Template {
	argv := append([]string{program}, t.argv[1:]...)
	return Template{argv: argv, Stdin: t.Stdin}
}

// String returns the template as given, placeholders included.
func (t Template) String() string { return strings.Join(t.argv, " ") }

// Resuming returns a copy of the template in which the word before
// {session_id} is flag, so that the command continues the session it names
// instead of starting one with that ID. It returns false when {session_id}
// is missing or is the first word.
func (t Template) Resuming(flag string) (Template, bool) {
	at := slices.Index(t.argv, SessionPlaceholder)
	if at < 1 {
		return Template{}, false
	}
	argv := slices.Clone(t.argv)
	argv[at-1] = flag
	return Template{argv: argv, Stdin: t.Stdin}, true
}

// Expand returns the argument vector for one task.
func (t Template) Expand(v Vars) []string {
	argv := make([]string, len(t.argv))
	for i, word := range t.argv {
		switch word {
		case PromptPlaceholder:
			argv[i] = v.Prompt
		case WorkspacePlaceholder:
			argv[i] = v.Workspace
		case TaskPlaceholder:
			argv[i] = v.TaskID
		case SessionPlaceholder:
			argv[i] = v.SessionID
		case PermissionModePlaceholder:
			argv[i] = v.PermissionMode
		default:
			argv[i] = word
		}
	}
	return argv
}

func isClaudePrint(argv []string) bool {
	program := argv[0][strings.LastIndexByte(argv[0], '/')+1:]
	return program == "claude" && (contains(argv, "-p") || contains(argv, "--print"))
}

func contains(words []string, word string) bool {
	for _, w := range words {
		if w == word {
			return true
		}
	}
	return false
}

var errUnterminated = errors.New("unterminated quote")

func splitWords(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case c == '\'':
			end := strings.IndexByte(s[i+1:], '\'')
			if end < 0 {
				return nil, errUnterminated
			}
			cur.WriteString(s[i+1 : i+1+end])
			i += end + 1
			inWord = true
		case c == '"':
			n, err := readDoubleQuoted(s[i+1:], &cur)
			if err != nil {
				return nil, err
			}
			i += n
			inWord = true
		case c == '\\' && i+1 < len(s):
			cur.WriteByte(s[i+1])
			i++
			inWord = true
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// readDoubleQuoted copies a double-quoted string up to its closing quote
// into cur and returns the number of bytes consumed, the quote included.
func readDoubleQuoted(s string, cur *strings.Builder) (int, error) {
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '"':
			return i + 1, nil
		case s[i] == '\\' && i+1 < len(s) && strings.IndexByte(`"\$`+"`", s[i+1]) >= 0:
			cur.WriteByte(s[i+1])
			i++
		default:
			cur.WriteByte(s[i])
		}
	}
	return 0, errUnterminated
}
