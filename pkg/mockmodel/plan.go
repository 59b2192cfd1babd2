package mockmodel

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// reply is the planned content of a response message.
type reply struct {
	blocks     []replyBlock
	stopReason string
	// decision is a short description of the choice, for logs.
	decision string
	// delay is how long to hold the response headers.
	delay time.Duration
}

// replyBlock is a text block, or a tool_use block when toolName is set.
type replyBlock struct {
	text     string
	toolID   string
	toolName string
	input    json.RawMessage
}

// fileContentPrefix starts the content of every scripted Write call.
const fileContentPrefix = "Written by the scripted model for the prompt: "

// fileNamePattern matches a relative or absolute file name with an extension
// that starts with a letter, such as hello.txt or src/app.go. Numbers such as
// 1.5 do not match.
var fileNamePattern = regexp.MustCompile(`^[A-Za-z0-9_\-./]*[A-Za-z0-9_\-]\.[A-Za-z][A-Za-z0-9]*$`)

// planMain decides the reply to a request that offers tools.
func planMain(req *messagesRequest) (reply, *apiError) {
	if last := req.lastMessage("user"); last != nil {
		if result, ok := last.findBlock("tool_result"); ok {
			return planAfterToolResult(req, result), nil
		}
	}

	prompt := req.promptText()
	settings, err := parseScript(prompt)
	if err != nil {
		return reply{}, invalidRequest("%v", err)
	}
	name := settings.writeFile
	if name == "" {
		name = firstFileName(stripDirectives(prompt))
	}

	var planned reply
	switch {
	case prompt == "":
		planned = textReply("No prompt found, so there is nothing to do.", "text: no prompt")
	case name == "":
		planned = textReply("No file name found in the prompt, so nothing was written.", "text: no file name")
	case !req.hasTool("Write"):
		planned = textReply(fmt.Sprintf("Cannot create %s: the request offers no Write tool.", name), "text: no Write tool")
	default:
		planned, err = writeReply(req, prompt, name)
		if err != nil {
			return reply{}, invalidRequest("%v", err)
		}
	}
	planned.delay = settings.delay
	return planned, nil
}

// planAfterToolResult returns the final text that ends a turn after a tool ran.
func planAfterToolResult(req *messagesRequest, result contentBlock) reply {
	if result.IsError {
		text := "The tool failed: " + firstLine(blockText(result.Content))
		return textReply(text, "final text: tool error")
	}
	name := lastWrittenFile(req)
	if name == "" {
		return textReply("Done.", "final text")
	}
	return textReply(fmt.Sprintf("Done: wrote %s.", name), "final text: wrote "+name)
}

// writeReply returns a text block and a Write tool_use block for name.
func writeReply(req *messagesRequest, prompt, name string) (reply, error) {
	path := name
	if dir := req.workingDir(); dir != "" && !filepath.IsAbs(name) {
		path = filepath.Join(dir, name)
	}
	input, err := json.Marshal(map[string]string{
		"file_path": path,
		"content":   fileContentPrefix + firstLine(prompt) + "\n",
	})
	if err != nil {
		return reply{}, fmt.Errorf("encode Write input for %q: %w", path, err)
	}
	return reply{
		blocks: []replyBlock{
			{text: fmt.Sprintf("I'll create %s.", name)},
			{toolID: newID("toolu_"), toolName: "Write", input: input},
		},
		stopReason: "tool_use",
		decision:   "write " + path,
	}, nil
}

// textReply returns a reply with one text block that ends the turn.
func textReply(text, decision string) reply {
	return reply{blocks: []replyBlock{{text: text}}, stopReason: "end_turn", decision: decision}
}

// lastWrittenFile returns the file_path of the latest assistant Write call,
// relative to the working directory when it lies inside it, or "".
func lastWrittenFile(req *messagesRequest) string {
	assistant := req.lastMessage("assistant")
	if assistant == nil {
		return ""
	}
	var path string
	for _, block := range assistant.blocks {
		if block.Type != "tool_use" || block.Name != "Write" {
			continue
		}
		var input struct {
			FilePath string `json:"file_path"`
		}
		if json.Unmarshal(block.Input, &input) == nil && input.FilePath != "" {
			path = input.FilePath
		}
	}
	dir := req.workingDir()
	if path == "" || dir == "" {
		return path
	}
	if rel, err := filepath.Rel(dir, path); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return path
}

// firstFileName returns the first word of text that looks like a file name,
// ignoring surrounding quotes, brackets and punctuation, or "".
func firstFileName(text string) string {
	for _, word := range strings.Fields(text) {
		word = strings.Trim(word, "\"'`()[]{}<>,;:!?")
		word = strings.TrimRight(word, ".")
		if fileNamePattern.MatchString(word) {
			return word
		}
	}
	return ""
}

// firstLine returns the first non-blank line of text, trimmed.
func firstLine(text string) string {
	for line := range strings.Lines(text) {
		if line = strings.TrimSpace(line); line != "" {
			return line
		}
	}
	return ""
}
