package mockmodel

import (
	"encoding/json"
	"fmt"
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
	// think is how long to pause after the headers and message_start.
	think time.Duration
	// talk is how long the text block takes to stream, one line at a time.
	talk time.Duration
}

// replyBlock is a text block, or a tool_use block when toolName is set.
type replyBlock struct {
	text     string
	toolID   string
	toolName string
	input    json.RawMessage
}

// mainPlan is the decision for a main request. It contains the reply and the
// directives that may replace it with a stall or an error.
type mainPlan struct {
	reply reply
	// prompt keys the request counter of [[stall times=K]] and
	// [[error times=K]]: the prompt up to the end of its last directive.
	prompt  string
	stall   *stallSpec
	failure *failureSpec
}

// fileNamePattern matches a relative or absolute file name with an extension
// that starts with a letter, such as hello.txt or src/app.go. Numbers such as
// 1.5 do not match.
var fileNamePattern = regexp.MustCompile(`^[A-Za-z0-9_\-./]*[A-Za-z0-9_\-]\.[A-Za-z][A-Za-z0-9]*$`)

// planMain decides the reply to a request that offers tools.
func planMain(req *messagesRequest) (mainPlan, *apiError) {
	current := newTurn(req)
	settings, steps, err := scriptOf(req, current.prompt)
	if err != nil {
		return mainPlan{}, invalidRequest("%v", err)
	}
	if len(steps) == 0 {
		if earlier, earlierSettings, earlierSteps, ok := unfinishedScript(req, current); ok {
			current, settings, steps = earlier, earlierSettings, earlierSteps
		}
	}

	planned, err := planTurn(req, current, steps)
	if err != nil {
		return mainPlan{}, invalidRequest("%v", err)
	}
	// Only the reply to the prompt itself waits. Replies that follow a
	// tool_result come at once.
	if current.lastResult == nil {
		planned.delay = settings.delay
		planned.think = settings.think
	} else {
		planned.delay = settings.pace
	}
	if planned.stopReason == "end_turn" && settings.talk > 0 {
		planned = withTalk(planned, settings.talk)
	}
	return mainPlan{reply: planned, prompt: counterKey(current.prompt), stall: settings.stall, failure: settings.failure}, nil
}

// scriptOf parses the directives of prompt and returns them with the steps
// they script, or a one-step script that writes the first file name of a
// prompt without step directives.
func scriptOf(req *messagesRequest, prompt string) (script, []step, error) {
	settings, err := parseScript(prompt)
	if err != nil {
		return script{}, nil, err
	}
	steps := settings.steps
	if len(steps) == 0 {
		if name := firstFileName(stripDirectives(prompt)); name != "" {
			steps = []step{{kind: stepWrite, file: name}}
		}
	}
	return settings, adaptSteps(req, steps), nil
}

// unfinishedScript returns the turn of the latest prompt before current's
// whose script has steps left, as after a resumed session's prompt that
// tells the agent to go on with the task. A prompt with a broken directive or a
// finished script ends the search.
func unfinishedScript(req *messagesRequest, current turn) (turn, script, []step, bool) {
	for end := current.at; end > 0; {
		earlier := turnBefore(req, end)
		if earlier.at < 0 {
			break
		}
		settings, steps, err := scriptOf(req, earlier.prompt)
		switch {
		case err != nil:
			return turn{}, script{}, nil, false
		case len(steps) > 0 && len(earlier.toolUses) < len(steps):
			return earlier, settings, steps, true
		case len(steps) > 0:
			return turn{}, script{}, nil, false
		}
		end = earlier.at
	}
	return turn{}, script{}, nil, false
}

// planTurn returns the next step's tool call, or the text that ends the turn.
func planTurn(req *messagesRequest, current turn, steps []step) (reply, error) {
	index := len(current.toolUses)
	if result := current.lastResult; result != nil {
		switch {
		case result.IsError:
			return toolFailedReply(*result), nil
		case index == 0 || index >= len(steps):
			// A tool_result that follows no tool call of this turn also ends
			// it, so a client never loops on a call this server did not make.
			return textReply(current.summary(req.workingDir()), "final text"), nil
		}
		return planStep(req, current, steps, index)
	}

	switch {
	case current.prompt == "":
		return textReply("No prompt found, so there is nothing to do.", "text: no prompt"), nil
	case len(steps) == 0:
		return textReply("No file name found in the prompt, so nothing was written.", "text: no file name"), nil
	case index >= len(steps):
		return textReply(current.summary(req.workingDir()), "final text"), nil
	}
	return planStep(req, current, steps, index)
}

// toolFailedReply returns the text that ends a turn after a failed tool call.
func toolFailedReply(result contentBlock) reply {
	text := blockText(result.Content)
	text = strings.TrimPrefix(strings.TrimSpace(text), "<tool_use_error>")
	text = strings.TrimSuffix(text, "</tool_use_error>")
	return textReply("The tool failed: "+firstLine(text), "final text: tool error")
}

// adaptSteps replaces each todo step with one TaskCreate step per item when
// the request offers TaskCreate but no TodoWrite, as Claude Code 2.1.197 does
// in print mode.
func adaptSteps(req *messagesRequest, steps []step) []step {
	if req.hasTool(toolTodoWrite) || !req.hasTool(toolTaskCreate) {
		return steps
	}
	adapted := make([]step, 0, len(steps))
	for _, current := range steps {
		if current.kind != stepTodo {
			adapted = append(adapted, current)
			continue
		}
		for i := 1; i <= current.count; i++ {
			adapted = append(adapted, step{kind: stepTask, count: current.count, ordinal: i})
		}
	}
	return adapted
}

// withTalk returns r with one line a second of talk added to its text,
// streamed over talk, as a model that writes a long answer does.
func withTalk(r reply, talk time.Duration) reply {
	lines := max(1, int(talk/time.Second))
	var text strings.Builder
	text.WriteString(r.blocks[0].text)
	for k := 1; k <= lines; k++ {
		fmt.Fprintf(&text, "\nThought %d of %d on the request, with no file written.", k, lines)
	}
	r.blocks[0].text = text.String()
	r.talk = talk
	r.decision += fmt.Sprintf(", talking for %s", talk)
	return r
}

// textReply returns a reply with one text block that ends the turn.
func textReply(text, decision string) reply {
	return reply{blocks: []replyBlock{{text: text}}, stopReason: "end_turn", decision: decision}
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

// stepDecision returns the log text of step index of total.
func stepDecision(index, total int, tool, summary string) string {
	return fmt.Sprintf("step %d of %d: %s: %s", index+1, total, tool, summary)
}

// counterKey returns the prompt up to the end of its last directive. A
// retried task may get text appended to its prompt, such as a note on the
// previous attempt, and its requests must still count as the same prompt.
func counterKey(prompt string) string {
	matches := directivePattern.FindAllStringIndex(prompt, -1)
	if len(matches) == 0 {
		return prompt
	}
	return prompt[:matches[len(matches)-1][1]]
}
