package mockmodel

import (
	"fmt"
	"net/http"
	"time"
)

// script contains the settings that a prompt's directives select.
type script struct {
	// steps lists the tool calls to make, one per assistant reply, in the
	// order of the directives that produced them.
	steps []step
	// delay is how long to hold the headers of the reply to the prompt.
	delay time.Duration
	// think is how long to pause after message_start in the reply to the
	// prompt.
	think time.Duration
	// pace is how long to hold the headers of every reply that follows a
	// tool result.
	pace time.Duration
	// talk is how long the text that ends the turn takes to stream.
	talk time.Duration
	// stall is set by [[stall]], and is nil without it.
	stall *stallSpec
	// failure is set by [[error]], and is nil without it.
	failure *failureSpec
}

// stallSpec is a [[stall]] directive.
type stallSpec struct {
	// times is how many requests for the prompt stall, or 0 for every one.
	times int
}

// failureSpec is an [[error]] directive.
type failureSpec struct {
	err *apiError
	// times is how many requests for the prompt fail, or 0 for every one.
	times int
	// after is how many requests for the prompt succeed before the first
	// failure.
	after int
}

// fails reports whether the request with the given 1-based number among
// the requests for the prompt fails.
func (f *failureSpec) fails(number int) bool {
	failed := number - f.after
	return failed > 0 && (f.times == 0 || failed <= f.times)
}

// stepKind names what a script step does.
type stepKind string

// Step kinds. Each step makes one tool call.
const (
	// stepWrite writes file with the Write tool.
	stepWrite stepKind = "write"
	// stepBash runs command with the Bash tool.
	stepBash stepKind = "bash"
	// stepRead reads file with the Read tool. It comes before each Edit
	// because Claude Code rejects an Edit of a file that it has not read.
	stepRead stepKind = "read"
	// stepEdit replaces the first line that the preceding Read returned.
	stepEdit stepKind = "edit"
	// stepTodo writes count todos with one TodoWrite call.
	stepTodo stepKind = "todo"
	// stepTask creates task ordinal of count with TaskCreate. It replaces
	// stepTodo when the request offers TaskCreate but no TodoWrite.
	stepTask stepKind = "task"
	// stepSearch lists the files that match pattern, with Grep or else with
	// grep through the Bash tool.
	stepSearch stepKind = "search"
	// stepBrowse reads a file that the preceding search listed.
	stepBrowse stepKind = "browse"
	// stepStructured calls StructuredOutput with the JSON object in file.
	stepStructured stepKind = "structured"
	// stepCall calls the tool named tool with the JSON object in file, or
	// with an empty object when file is "".
	stepCall stepKind = "call"
)

// step is one scripted tool call.
type step struct {
	kind stepKind
	// file is the file name of write, read, edit, structured and call
	// steps.
	file string
	// tool is the tool that a call step calls.
	tool string
	// command and description are the Bash input of a bash step.
	command     string
	description string
	// pattern is the regular expression of search and browse steps.
	pattern string
	// count is the number of todos or tasks that the directive creates.
	count int
	// ordinal is the 1-based position of a task or browse step among the
	// steps of the same kind from one directive.
	ordinal int
}

// Tool names of Claude Code 2.1.197.
const (
	toolWrite      = "Write"
	toolBash       = "Bash"
	toolRead       = "Read"
	toolEdit       = "Edit"
	toolGrep       = "Grep"
	toolTodoWrite  = "TodoWrite"
	toolTaskCreate = "TaskCreate"
	// toolStructuredOutput is offered only when the CLI runs with
	// --json-schema, and its input schema is that schema. The CLI puts the
	// tool's input into the structured_output field of its result.
	toolStructuredOutput = "StructuredOutput"
)

// summary returns what the step does as a verb phrase, such as
// "create hello.txt", for replies and logs.
func (s step) summary() string {
	switch s.kind {
	case stepWrite:
		return "create " + s.file
	case stepBash:
		return "run `" + s.command + "`"
	case stepRead:
		return "read " + s.file
	case stepEdit:
		return "edit " + s.file
	case stepTodo:
		return fmt.Sprintf("write %d todos", s.count)
	case stepTask:
		return fmt.Sprintf("create task %d of %d", s.ordinal, s.count)
	case stepSearch, stepBrowse:
		return fmt.Sprintf("search the files for %q", s.pattern)
	case stepStructured:
		return "return the structured output in " + s.file
	case stepCall:
		return "call " + s.tool
	}
	return string(s.kind)
}

// scriptedErrors lists the errors that [[error]] can send, by kind. The
// types and statuses are those of the Anthropic API.
var scriptedErrors = map[string]apiError{
	"rate_limit": {
		status: http.StatusTooManyRequests, kind: "rate_limit_error", retryAfter: "1",
		message: "Number of requests has exceeded your rate limit (scripted error).",
	},
	"overloaded": {
		status: 529, kind: "overloaded_error",
		message: "Overloaded (scripted error).",
	},
	"authentication": {
		status: http.StatusUnauthorized, kind: "authentication_error",
		message: "invalid x-api-key (scripted error)",
	},
	"prompt_too_long": {
		status: http.StatusBadRequest, kind: "invalid_request_error",
		message: "prompt is too long: 210000 tokens > 200000 maximum",
	},
}
