package claudecode

import (
	"encoding/json"
	"strings"
)

// readOnlyCommands are programs that only read the workspace: a Bash call
// that runs nothing else is research, not running. Claude Code 2.1.197
// offers no Grep or Glob tool in some modes, so a model searches with grep
// and find through Bash instead.
var readOnlyCommands = map[string]bool{
	"cat": true, "find": true, "grep": true, "egrep": true, "fgrep": true, "rg": true, "ls": true,
	"head": true, "tail": true, "wc": true, "tree": true, "file": true, "stat": true, "less": true,
	"sed -n": true, "awk": true, "pwd": true, "du": true, "git log": true, "git diff": true,
	"git status": true, "git show": true, "git grep": true, "git ls-files": true, "git blame": true,
}

// commandKind returns KindResearch for a shell command whose every part
// (split at |, &&, || and ;) starts with a read-only program, else KindRun.
func commandKind(command string) Kind {
	if strings.TrimSpace(command) == "" {
		return KindRun
	}
	replacer := strings.NewReplacer("&&", ";", "||", ";", "|", ";")
	for _, part := range strings.Split(replacer.Replace(command), ";") {
		fields := strings.Fields(part)
		if len(fields) == 0 {
			continue
		}
		if strings.ContainsAny(part, ">") {
			return KindRun // a redirect writes a file
		}
		one := fields[0]
		two := one
		if len(fields) > 1 {
			two = one + " " + fields[1]
		}
		if !readOnlyCommands[one] && !readOnlyCommands[two] {
			return KindRun
		}
	}
	return KindResearch
}

// callKind returns the kind of a tool call from its name and, for Bash, its
// command.
func callKind(name string, input json.RawMessage) Kind {
	kind := ToolKind(name)
	if name != "Bash" {
		return kind
	}
	var in struct {
		Command string `json:"command"`
	}
	if json.Unmarshal(input, &in) != nil {
		return kind
	}
	return commandKind(in.Command)
}
