package claudecode

import (
	"bytes"
	"encoding/json"
	"strings"
)

// message is the part of an assistant record's "message" field that this
// package reads. Both stream-json output and transcripts carry one content
// block per assistant record, but a record may carry several.
type message struct {
	Model   string          `json:"model"`
	Content json.RawMessage `json:"content"`
}

// contentBlock is one block of a message's content array.
type contentBlock struct {
	Type  string          `json:"type"`
	ID    string          `json:"id"`
	Name  string          `json:"name"`
	Input json.RawMessage `json:"input"`
	Text  string          `json:"text"`
}

// pathInput contains the tool inputs that name a file or directory.
type pathInput struct {
	FilePath     string `json:"file_path"`
	NotebookPath string `json:"notebook_path"`
	Path         string `json:"path"`
}

// blocks decodes the content array. User records may carry a plain string
// instead, which gives no blocks.
func (m *message) blocks() []contentBlock {
	if m == nil {
		return nil
	}
	var blocks []contentBlock
	if json.Unmarshal(m.Content, &blocks) != nil {
		return nil
	}
	return blocks
}

// toolUses returns the tool_use blocks of the message.
func (m *message) toolUses() []ToolUse {
	var tools []ToolUse
	for _, block := range m.blocks() {
		if block.Type != "tool_use" {
			continue
		}
		tools = append(tools, ToolUse{
			ID:   block.ID,
			Name: block.Name,
			Kind: callKind(block.Name, block.Input),
			Path: inputPath(block.Input),
		})
	}
	return tools
}

// text returns the text blocks of the message joined by newlines.
func (m *message) text() string {
	var parts []string
	for _, block := range m.blocks() {
		if block.Type == "text" && block.Text != "" {
			parts = append(parts, block.Text)
		}
	}
	return strings.Join(parts, "\n")
}

// inputPath returns the file_path, notebook_path or path input, in that
// order, or "" when the input has none of them.
func inputPath(input json.RawMessage) string {
	var in pathInput
	if json.Unmarshal(input, &in) != nil {
		return ""
	}
	switch {
	case in.FilePath != "":
		return in.FilePath
	case in.NotebookPath != "":
		return in.NotebookPath
	default:
		return in.Path
	}
}

// jsonObject returns line from its first "{" on, or nil when it has none.
// PTY output can put terminal control sequences in front of a record, and
// JSON decoding rejects whatever else is not JSON.
func jsonObject(line []byte) []byte {
	start := bytes.IndexByte(line, '{')
	if start < 0 {
		return nil
	}
	return line[start:]
}
