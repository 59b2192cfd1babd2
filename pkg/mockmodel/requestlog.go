package mockmodel

import "slices"

// maxRequestLogs is how many RequestLog entries a Server keeps. Older entries
// are dropped, so a long-running server uses bounded memory.
const maxRequestLogs = 4096

// RequestLog is the record of one POST /v1/messages request.
type RequestLog struct {
	// SessionID is the request's x-claude-code-session-id header, or "".
	SessionID string
	// Kind is "main" for a request with tools, "side" for one without, and ""
	// for a body that could not be decoded.
	Kind string
	// Status is the HTTP status of the response.
	Status int
	// Tool is the name of the tool that the reply calls, or "" for none.
	Tool string
	// Decision describes the response, such as "step 1 of 2: Bash: run `ls`",
	// "final text", "stall" or "error 529 overloaded_error".
	Decision string
	// ToolResult is the text of the tool_result in the request's last user
	// message, which is what the client's last tool call returned to the
	// model, or "" when that message has none. Text beyond
	// maxToolResultBytes is cut off.
	ToolResult string
	// Prompt is the first line of the request's prompt (see package doc),
	// or "" when it has none.
	Prompt string
	// EarlierTools are the names of the tool_use blocks in the assistant
	// messages before the prompt, in order: the tool calls of earlier turns
	// that the client sent along, as a resumed Claude Code session does.
	EarlierTools []string
}

// maxToolResultBytes bounds RequestLog.ToolResult, so that the log stays
// small even when tools return large results.
const maxToolResultBytes = 64 << 10

// toolResultText returns the text for RequestLog.ToolResult of req.
func toolResultText(req *messagesRequest) string {
	last := req.lastMessage("user")
	if last == nil {
		return ""
	}
	result := resultIn(last)
	if result == nil {
		return ""
	}
	text := blockText(result.Content)
	if len(text) > maxToolResultBytes {
		text = text[:maxToolResultBytes]
	}
	return text
}

// withConversation returns entry with the prompt of req and the tool calls
// of the turns before it.
func withConversation(entry RequestLog, req *messagesRequest) RequestLog {
	entry.ToolResult = toolResultText(req)
	for i := len(req.Messages) - 1; i >= 0; i-- {
		prompt := promptIn(&req.Messages[i])
		if prompt == "" {
			continue
		}
		entry.Prompt = firstLine(prompt)
		for _, m := range req.Messages[:i] {
			for _, block := range m.blocks {
				if m.Role == "assistant" && block.Type == "tool_use" {
					entry.EarlierTools = append(entry.EarlierTools, block.Name)
				}
			}
		}
		break
	}
	return entry
}

// Requests returns the latest requests, oldest first, up to 4096 of them.
func (s *Server) Requests() []RequestLog {
	s.recordMu.Lock()
	defer s.recordMu.Unlock()
	return slices.Clone(s.requests[max(0, len(s.requests)-maxRequestLogs):])
}

// record appends entry to the request log. The log grows to twice
// maxRequestLogs and is then cut to the newest maxRequestLogs entries, so
// each append costs constant time on average.
func (s *Server) record(entry RequestLog) {
	s.recordMu.Lock()
	defer s.recordMu.Unlock()
	s.requests = append(s.requests, entry)
	if len(s.requests) >= 2*maxRequestLogs {
		s.requests = slices.Clone(s.requests[len(s.requests)-maxRequestLogs:])
	}
}

// countPrompt counts a main request for prompt and returns how many such
// requests the Server has seen, this one included. Only prompts with a
// [[stall]] or [[error]] directive are counted, so the map grows with the
// number of such prompts.
func (s *Server) countPrompt(prompt string) int {
	s.recordMu.Lock()
	defer s.recordMu.Unlock()
	if s.promptCounts == nil {
		s.promptCounts = make(map[string]int)
	}
	s.promptCounts[prompt]++
	return s.promptCounts[prompt]
}
