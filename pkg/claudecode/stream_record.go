package claudecode

import (
	"bytes"
	"encoding/json"
	"time"
)

// streamRecord is the union of the stream-json record fields that Stream
// reads. Which fields are set depends on Type and Subtype.
type streamRecord struct {
	Type      string   `json:"type"`
	Subtype   string   `json:"subtype"`
	SessionID string   `json:"session_id"`
	Message   *message `json:"message"`

	// system/init
	Cwd            string `json:"cwd"`
	Model          string `json:"model"`
	PermissionMode string `json:"permissionMode"`

	// system/api_retry
	Attempt      int             `json:"attempt"`
	MaxRetries   int             `json:"max_retries"`
	RetryDelayMS float64         `json:"retry_delay_ms"`
	ErrorStatus  int             `json:"error_status"`
	Error        json.RawMessage `json:"error"`

	// result
	IsError           bool           `json:"is_error"`
	APIErrorStatus    int            `json:"api_error_status"`
	Result            string         `json:"result"`
	NumTurns          int            `json:"num_turns"`
	DurationMS        float64        `json:"duration_ms"`
	TerminalReason    string         `json:"terminal_reason"`
	StopReason        string         `json:"stop_reason"`
	PermissionDenials []denialRecord `json:"permission_denials"`
}

// denialRecord is one entry of a result's permission_denials.
type denialRecord struct {
	ToolName  string          `json:"tool_name"`
	ToolUseID string          `json:"tool_use_id"`
	ToolInput json.RawMessage `json:"tool_input"`
}

func (r *streamRecord) init() *Init {
	return &Init{
		SessionID:      r.SessionID,
		Cwd:            r.Cwd,
		Model:          r.Model,
		PermissionMode: r.PermissionMode,
	}
}

func (r *streamRecord) retry() APIRetry {
	return APIRetry{
		Attempt:     r.Attempt,
		MaxRetries:  r.MaxRetries,
		ErrorStatus: r.ErrorStatus,
		RetryDelay:  milliseconds(r.RetryDelayMS),
		Error:       errorText(r.Error),
	}
}

func (r *streamRecord) resultRecord() *Result {
	result := &Result{
		Subtype:        r.Subtype,
		IsError:        r.IsError,
		APIErrorStatus: r.APIErrorStatus,
		Text:           r.Result,
		NumTurns:       r.NumTurns,
		Duration:       milliseconds(r.DurationMS),
		TerminalReason: r.TerminalReason,
		StopReason:     r.StopReason,
		SessionID:      r.SessionID,
	}
	for _, d := range r.PermissionDenials {
		result.PermissionDenials = append(result.PermissionDenials, Denial{
			ToolName:  d.ToolName,
			ToolUseID: d.ToolUseID,
			Input:     d.ToolInput,
		})
	}
	return result
}

// milliseconds converts a JSON millisecond count, which may have a fraction.
func milliseconds(ms float64) time.Duration {
	return time.Duration(ms * float64(time.Millisecond))
}

// errorText returns a JSON string's value, or other JSON as compact text.
// Claude Code 2.1.197 sends a string such as "overloaded".
func errorText(raw json.RawMessage) string {
	var text string
	if json.Unmarshal(raw, &text) == nil {
		return text
	}
	var compact bytes.Buffer
	if json.Compact(&compact, raw) != nil {
		return ""
	}
	return compact.String()
}
