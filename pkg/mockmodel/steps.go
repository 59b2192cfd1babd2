package mockmodel

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// fileContentPrefix starts the content of every scripted Write call.
const fileContentPrefix = "Written by the scripted model for the prompt: "

// editSuffix is appended to the line that an Edit step replaces.
const editSuffix = " (edited by the scripted model)"

// readLinePattern matches a line of a Read result. Claude Code 2.1.197 sends
// the line number, a tab and the line.
// NOTE: an arrow (→) in place of the tab is also accepted, as a guess at the
// format of other versions. Only the tab form was seen from 2.1.197.
var readLinePattern = regexp.MustCompile(`^\s*[0-9]+(?:\t|→)(.*)$`)

// planStep returns a text block and the tool_use block of steps[index].
func planStep(req *messagesRequest, current turn, steps []step, index int) (reply, error) {
	next := steps[index]
	if next.kind == stepBrowse {
		next = browseTarget(req.workingDir(), current, next)
	}
	tool := toolFor(req, next)
	if !req.hasTool(tool) {
		text := fmt.Sprintf("Cannot %s: the request offers no %s tool.", next.summary(), tool)
		return textReply(text, "text: no "+tool+" tool"), nil
	}

	input, problem := stepInput(req, current, next)
	if problem != "" {
		return textReply(problem, "text: step cannot run"), nil
	}
	data, err := json.Marshal(input)
	if err != nil {
		return reply{}, fmt.Errorf("encode %s input of step %d: %w", tool, index+1, err)
	}
	return reply{
		blocks: []replyBlock{
			{text: "I'll " + next.summary() + "."},
			{toolID: newID("toolu_"), toolName: tool, input: data},
		},
		stopReason: "tool_use",
		decision:   stepDecision(index, len(steps), tool, next.summary()),
	}, nil
}

// toolFor returns the tool that step s calls. A search uses Grep when the
// request offers it and Bash otherwise, because Claude Code 2.1.197 offers no
// Grep tool in print mode.
func toolFor(req *messagesRequest, s step) string {
	switch s.kind {
	case stepWrite:
		return toolWrite
	case stepBash:
		return toolBash
	case stepRead, stepBrowse:
		return toolRead
	case stepEdit:
		return toolEdit
	case stepTodo:
		return toolTodoWrite
	case stepStructured:
		return toolStructuredOutput
	case stepTask:
		return toolTaskCreate
	case stepCall:
		return s.tool
	case stepSearch:
		if !req.hasTool(toolGrep) && req.hasTool(toolBash) {
			return toolBash
		}
		return toolGrep
	}
	return string(s.kind)
}

// browseTarget turns a browse step into a read of a file that the preceding
// search listed, picking the ordinal-th file in turn. When the search listed
// no file, the step searches again.
func browseTarget(dir string, current turn, s step) step {
	files := listedFiles(current.previousResultText())
	if len(files) == 0 {
		return step{kind: stepSearch, pattern: s.pattern}
	}
	path := files[(s.ordinal-1)%len(files)]
	return step{kind: stepRead, file: relativeName(dir, path)}
}

// listedFiles returns the absolute paths on their own lines in a search
// result. Grep and grep -rl both print one path per line.
func listedFiles(text string) []string {
	var files []string
	for line := range strings.Lines(text) {
		line = strings.TrimSpace(line)
		if filepath.IsAbs(line) {
			files = append(files, line)
		}
	}
	return files
}

// stepInput returns the tool input of step s, or a text that explains why
// the step cannot run.
func stepInput(req *messagesRequest, current turn, s step) (input map[string]any, problem string) {
	dir := req.workingDir()
	switch s.kind {
	case stepWrite:
		content := fileContentPrefix + firstLine(current.prompt) + "\n"
		return map[string]any{"file_path": resolvePath(dir, s.file), "content": content}, ""
	case stepBash:
		return map[string]any{"command": s.command, "description": s.description}, ""
	case stepRead:
		return map[string]any{"file_path": resolvePath(dir, s.file)}, ""
	case stepEdit:
		return editInput(dir, current, s)
	case stepTodo:
		return todoInput(s.count), ""
	case stepTask:
		return map[string]any{
			"subject":     fmt.Sprintf("Scripted task %d of %d", s.ordinal, s.count),
			"description": fmt.Sprintf("Task %d of %d created by the scripted model.", s.ordinal, s.count),
			"activeForm":  fmt.Sprintf("Working on scripted task %d of %d", s.ordinal, s.count),
		}, ""
	case stepSearch:
		return searchInput(req, dir, s.pattern), ""
	case stepStructured:
		return structuredInput(dir, s.file)
	case stepCall:
		return callInput(dir, s)
	}
	return nil, fmt.Sprintf("Cannot run a step of kind %q.", s.kind)
}

// editInput returns an Edit input that appends editSuffix to the first
// non-blank line of the preceding Read result. The line comes from the
// result, so old_string matches the file as Claude Code read it.
func editInput(dir string, current turn, s step) (map[string]any, string) {
	line := firstReadLine(current.previousResultText())
	if line == "" {
		return nil, fmt.Sprintf("Cannot edit %s: the Read result shows no line to replace.", s.file)
	}
	return map[string]any{
		"file_path":  resolvePath(dir, s.file),
		"old_string": line,
		"new_string": line + editSuffix,
	}, ""
}

// firstReadLine returns the first line of a Read result that has text other
// than white space, without its line number, or "".
func firstReadLine(result string) string {
	for line := range strings.Lines(result) {
		match := readLinePattern.FindStringSubmatch(strings.TrimRight(line, "\r\n"))
		if match != nil && strings.TrimSpace(match[1]) != "" {
			return match[1]
		}
	}
	return ""
}

// todoInput returns a TodoWrite input with count pending todos.
func todoInput(count int) map[string]any {
	todos := make([]map[string]string, 0, count)
	for i := 1; i <= count; i++ {
		todos = append(todos, map[string]string{
			"content":    fmt.Sprintf("Scripted todo %d of %d", i, count),
			"status":     "pending",
			"activeForm": fmt.Sprintf("Working on scripted todo %d of %d", i, count),
		})
	}
	return map[string]any{"todos": todos}
}

// searchInput returns a Grep input, or a Bash input that runs grep when the
// request offers no Grep tool. Both list the files under dir that match
// pattern.
func searchInput(req *messagesRequest, dir, pattern string) map[string]any {
	if dir == "" {
		dir = "."
	}
	if toolFor(req, step{kind: stepSearch}) == toolGrep {
		return map[string]any{"pattern": pattern, "path": dir}
	}
	command := fmt.Sprintf("grep -rlI -e %s -- %s", shellQuote(pattern), shellQuote(dir))
	return map[string]any{"command": command, "description": "List the files that match " + pattern}
}

// shellQuote quotes text for a POSIX shell.
func shellQuote(text string) string {
	return "'" + strings.ReplaceAll(text, "'", `'\''`) + "'"
}

// resolvePath joins a relative name to dir, the session's working directory.
// An absolute name, or any name when dir is "", is returned unchanged.
func resolvePath(dir, name string) string {
	if dir == "" || filepath.IsAbs(name) {
		return name
	}
	return filepath.Join(dir, name)
}

// structuredInput returns the JSON object in the file name as the input of a
// StructuredOutput call. The server reads the file when it plans the step, so
// a test can write a plan that contains brackets, which a directive cannot.
func structuredInput(dir, name string) (map[string]any, string) {
	input, problem := readJSONObject(resolvePath(dir, name))
	if problem != "" {
		return nil, "Cannot return the structured output: " + problem + "."
	}
	return input, ""
}

// callInput returns the input of a call step: the JSON object in its file,
// read when the step is planned, or an empty object without a file.
func callInput(dir string, s step) (map[string]any, string) {
	if s.file == "" {
		return map[string]any{}, ""
	}
	input, problem := readJSONObject(resolvePath(dir, s.file))
	if problem != "" {
		return nil, "Cannot call " + s.tool + ": " + problem + "."
	}
	return input, ""
}

// readJSONObject returns the JSON object in the file at path, or a phrase
// that gives the cause when there is none.
func readJSONObject(path string) (map[string]any, string) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err.Error()
	}
	var input map[string]any
	if err := json.Unmarshal(data, &input); err != nil {
		return nil, fmt.Sprintf("%s is not a JSON object: %v", path, err)
	}
	if input == nil {
		return nil, path + " contains null, not a JSON object"
	}
	return input, ""
}
