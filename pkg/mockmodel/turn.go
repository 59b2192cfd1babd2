package mockmodel

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
)

// turn is the latest prompt of a request and the tool calls and results that
// followed it. The server keeps no state, so the number of tool calls after
// the prompt is the index of the next script step.
type turn struct {
	// prompt is the prompt text without <system-reminder> blocks, or "".
	prompt string
	// toolUses lists the tool_use blocks of the assistant messages after the
	// prompt, in order.
	toolUses []contentBlock
	// results maps tool_use ids to the tool_result blocks after the prompt.
	results map[string]contentBlock
	// lastResult is a tool_result of the last user message, preferring one
	// with is_error, or nil when that message contains none.
	lastResult *contentBlock
	// at is the index of the prompt's message, or -1 without a prompt.
	at int
}

// newTurn finds the prompt of req, which is the latest user message with text
// outside <system-reminder> blocks and no tool_result, and collects the tool
// calls and results after it. Without a prompt it collects from the start.
func newTurn(req *messagesRequest) turn {
	return turnBefore(req, len(req.Messages))
}

// turnBefore is newTurn for the latest prompt among the first end messages.
// The tool calls and results after that prompt are collected up to the end
// of the request.
func turnBefore(req *messagesRequest, end int) turn {
	t := turn{results: make(map[string]contentBlock), at: -1}
	start := 0
	for i := end - 1; i >= 0; i-- {
		if text := promptIn(&req.Messages[i]); text != "" {
			t.prompt, start, t.at = text, i+1, i
			break
		}
	}
	for _, m := range req.Messages[start:] {
		for _, block := range m.blocks {
			switch {
			case m.Role == "assistant" && block.Type == "tool_use":
				t.toolUses = append(t.toolUses, block)
			case m.Role == "user" && block.Type == "tool_result":
				t.results[block.ToolUseID] = block
			}
		}
	}
	// A tool_result before the prompt belongs to an earlier turn, as when
	// a prompt typed during a turn follows it.
	for i := len(req.Messages) - 1; i > t.at; i-- {
		if req.Messages[i].Role == "user" {
			t.lastResult = resultIn(&req.Messages[i])
			break
		}
	}
	return t
}

// queuedPrefix starts the message with which Claude Code 2.1.197 passes a
// prompt that the user typed during a turn to the model, in the next
// request of that turn. The message has the role "system", and an
// "IMPORTANT:" paragraph after the prompt tells the model to address it.
const queuedPrefix = "The user sent a new message while you were working:\n"

// promptIn returns the prompt text of m, or "" when m is not a user message,
// contains a tool_result or has only <system-reminder> text, which Claude Code
// adds around the prompt. A prompt typed during a turn counts too.
func promptIn(m *message) string {
	if queued := queuedPrompt(m); queued != "" {
		return queued
	}
	if m.Role != "user" {
		return ""
	}
	var parts []string
	for _, block := range m.blocks {
		if block.Type == "tool_result" {
			return ""
		}
		text := strings.TrimSpace(block.Text)
		if block.Type != "text" || text == "" || strings.HasPrefix(text, "<system-reminder>") {
			continue
		}
		parts = append(parts, text)
	}
	return strings.Join(parts, "\n")
}

// queuedPrompt returns the prompt of a message that passes on a prompt
// typed during a turn, or "".
func queuedPrompt(m *message) string {
	for _, block := range m.blocks {
		if rest, ok := strings.CutPrefix(block.Text, queuedPrefix); ok && block.Type == "text" {
			prompt, _, _ := strings.Cut(rest, "\n\nIMPORTANT:")
			return strings.TrimSpace(prompt)
		}
	}
	return ""
}

// resultIn returns the first tool_result of m with is_error, else its first
// tool_result, else nil.
func resultIn(m *message) *contentBlock {
	var found *contentBlock
	for i := range m.blocks {
		block := &m.blocks[i]
		if block.Type != "tool_result" {
			continue
		}
		if block.IsError {
			return block
		}
		if found == nil {
			found = block
		}
	}
	return found
}

// previousResultText returns the text of the result of the latest tool call
// of the turn, or "" when there is no call or no result for it.
func (t turn) previousResultText() string {
	if len(t.toolUses) == 0 {
		return ""
	}
	result, ok := t.results[t.toolUses[len(t.toolUses)-1].ID]
	if !ok {
		return ""
	}
	return blockText(result.Content)
}

// summary returns the final text of the turn, such as
// "Done: wrote hello.txt, ran `ls`.", which names each tool call in order.
// Paths inside dir are shown relative to it.
func (t turn) summary(dir string) string {
	if len(t.toolUses) == 0 {
		return "Done."
	}
	phrases := make([]string, 0, len(t.toolUses))
	for _, call := range t.toolUses {
		phrases = append(phrases, describeCall(call, dir))
	}
	return "Done: " + strings.Join(phrases, ", ") + "."
}

// describeCall returns what a tool call did as a past-tense phrase.
func describeCall(call contentBlock, dir string) string {
	var input struct {
		FilePath string            `json:"file_path"`
		Command  string            `json:"command"`
		Pattern  string            `json:"pattern"`
		Subject  string            `json:"subject"`
		Todos    []json.RawMessage `json:"todos"`
	}
	// An input that does not parse leaves the fields empty, which only makes
	// the phrase less specific.
	_ = json.Unmarshal(call.Input, &input)
	switch call.Name {
	case toolWrite:
		return "wrote " + relativeName(dir, input.FilePath)
	case toolEdit:
		return "edited " + relativeName(dir, input.FilePath)
	case toolRead:
		return "read " + relativeName(dir, input.FilePath)
	case toolBash:
		return "ran `" + input.Command + "`"
	case toolGrep:
		return fmt.Sprintf("searched for %q", input.Pattern)
	case toolTodoWrite:
		return fmt.Sprintf("wrote %d todos", len(input.Todos))
	case toolTaskCreate:
		return fmt.Sprintf("created task %q", input.Subject)
	case toolStructuredOutput:
		return "returned the structured output"
	}
	return "called " + call.Name
}

// relativeName returns path relative to dir when it lies inside dir, and
// path unchanged otherwise.
func relativeName(dir, path string) string {
	if path == "" || dir == "" {
		return path
	}
	if rel, err := filepath.Rel(dir, path); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return path
}
