package mockmodel

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
)

// maxBodyBytes is the largest request body accepted. Claude Code 2.1.197 sends
// main bodies of about 90 KB, and a prompt can add a few MB.
const maxBodyBytes = 64 << 20

// messagesRequest contains the fields of a Messages API request that the
// server reads. Other fields are ignored.
type messagesRequest struct {
	Model        string          `json:"model"`
	Stream       bool            `json:"stream"`
	System       json.RawMessage `json:"system"`
	Messages     []message       `json:"messages"`
	Tools        []toolSpec      `json:"tools"`
	OutputConfig *outputConfig   `json:"output_config"`

	// systemBlocks is System parsed by decodeRequest.
	systemBlocks []contentBlock
	// bodyBytes is the size of the request body.
	bodyBytes int
}

// message is one entry of the request's messages array. Its content is a
// string or an array of blocks, parsed into blocks by decodeRequest.
type message struct {
	Role    string          `json:"role"`
	Content json.RawMessage `json:"content"`

	blocks []contentBlock
}

// contentBlock contains the fields of text, tool_use and tool_result blocks.
type contentBlock struct {
	Type      string          `json:"type"`
	Text      string          `json:"text"`
	ID        string          `json:"id"`
	Name      string          `json:"name"`
	Input     json.RawMessage `json:"input"`
	ToolUseID string          `json:"tool_use_id"`
	IsError   bool            `json:"is_error"`
	Content   json.RawMessage `json:"content"`
}

// toolSpec is one entry of the request's tools array.
type toolSpec struct {
	Name string `json:"name"`
}

// outputConfig is the request's output_config object.
type outputConfig struct {
	Format *struct {
		Type   string          `json:"type"`
		Schema json.RawMessage `json:"schema"`
	} `json:"format"`
}

// decodeRequest reads and parses the body of r, including every message's
// content and the system prompt.
func decodeRequest(w http.ResponseWriter, r *http.Request) (*messagesRequest, *apiError) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			msg := fmt.Sprintf("request body exceeds %d bytes: send a smaller prompt", tooLarge.Limit)
			return nil, &apiError{status: http.StatusRequestEntityTooLarge, kind: "request_too_large", message: msg}
		}
		return nil, invalidRequest("read request body: %v", err)
	}

	req := &messagesRequest{bodyBytes: len(body)}
	if err := json.Unmarshal(body, req); err != nil {
		return nil, invalidRequest("request body is not a valid Messages API JSON object: %v", err)
	}
	if len(req.Messages) == 0 {
		return nil, invalidRequest("messages: at least one message is required")
	}
	for i := range req.Messages {
		blocks, err := parseBlocks(req.Messages[i].Content)
		if err != nil {
			return nil, invalidRequest("messages[%d].content: %v", i, err)
		}
		req.Messages[i].blocks = blocks
	}
	req.systemBlocks, err = parseBlocks(req.System)
	if err != nil {
		return nil, invalidRequest("system: %v", err)
	}
	return req, nil
}

// parseBlocks parses content that is either a string, which becomes one text
// block, or an array of blocks. Absent or null content gives no blocks.
func parseBlocks(raw json.RawMessage) ([]contentBlock, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, nil
	}
	if raw[0] == '"' {
		var text string
		if err := json.Unmarshal(raw, &text); err != nil {
			return nil, fmt.Errorf("invalid string content: %w", err)
		}
		return []contentBlock{{Type: "text", Text: text}}, nil
	}
	var blocks []contentBlock
	if err := json.Unmarshal(raw, &blocks); err != nil {
		return nil, fmt.Errorf("content must be a string or an array of blocks: %w", err)
	}
	return blocks, nil
}

// hasTool reports whether the request offers a tool with the given name.
func (req *messagesRequest) hasTool(name string) bool {
	for _, tool := range req.Tools {
		if tool.Name == name {
			return true
		}
	}
	return false
}

// lastMessage returns the last message with the given role, or nil.
func (req *messagesRequest) lastMessage(role string) *message {
	for i := len(req.Messages) - 1; i >= 0; i-- {
		if req.Messages[i].Role == role {
			return &req.Messages[i]
		}
	}
	return nil
}

// workingDirPattern matches the system prompt line that names the session's
// working directory in Claude Code 2.1.197.
var workingDirPattern = regexp.MustCompile(`(?m)^\s*-\s*Primary working directory:[ \t]*(\S[^\r\n]*?)[ \t]*\r?$`)

// workingDir returns the directory from the system prompt's
// " - Primary working directory: <path>" line, or "" when there is none.
func (req *messagesRequest) workingDir() string {
	for _, block := range req.systemBlocks {
		if match := workingDirPattern.FindStringSubmatch(block.Text); match != nil {
			return match[1]
		}
	}
	return ""
}

// blockText returns the text of a tool_result's content, which is a string or
// an array of blocks.
func blockText(raw json.RawMessage) string {
	blocks, err := parseBlocks(raw)
	if err != nil {
		return ""
	}
	var parts []string
	for _, block := range blocks {
		if block.Type == "text" && block.Text != "" {
			parts = append(parts, block.Text)
		}
	}
	return strings.Join(parts, "\n")
}
