package claudecode

import (
	"encoding/json"
	"sync"
	"time"
)

// Stream parses the output of claude -p --output-format stream-json
// --verbose, fed to Write as raw bytes, for example from a PTY. Lines that
// are not JSON records are ignored, and a line longer than DefaultMaxLine is
// dropped. One goroutine may call Write while others call Take and Result.
type Stream struct {
	// splitter is used only by the goroutine that calls Write.
	splitter *LineSplitter

	mu       sync.Mutex
	pending  StreamUpdate
	initSeen bool
	result   *Result
}

// StreamUpdate is the batch of records that a Stream parsed since the
// previous Take.
type StreamUpdate struct {
	// Tools are the tool_use blocks of assistant records, in order.
	Tools []ToolUse
	// Retries are the system/api_retry records, in order.
	Retries []APIRetry
	// Init is the first system/init record. It is set in one update only.
	Init *Init
}

// Init is the system/init record that starts a print-mode run.
type Init struct {
	SessionID      string
	Cwd            string
	Model          string
	PermissionMode string
}

// APIRetry is a system/api_retry record: the CLI will retry a failed model
// request after RetryDelay.
type APIRetry struct {
	Attempt     int
	MaxRetries  int
	ErrorStatus int
	RetryDelay  time.Duration
	// Error is the error kind, such as "overloaded".
	Error string
}

// Result is the result record that ends a print-mode run.
type Result struct {
	// Subtype is "success" or an error subtype such as "error_max_turns".
	// Claude Code 2.1.197 reports a failed model request as "success" with
	// IsError set.
	Subtype string
	IsError bool
	// APIErrorStatus is the HTTP status of a failed model request, or 0.
	APIErrorStatus int
	// Text is the final assistant text, or the error message.
	Text           string
	NumTurns       int
	Duration       time.Duration
	TerminalReason string
	StopReason     string
	SessionID      string
	// PermissionDenials are the tool calls the permission mode rejected.
	PermissionDenials []Denial
}

// Denial is a tool call that the CLI rejected for lack of permission.
type Denial struct {
	ToolName  string
	ToolUseID string
	Input     json.RawMessage
}

// NewStream returns an empty Stream.
func NewStream() *Stream {
	s := &Stream{}
	s.splitter = NewLineSplitter(DefaultMaxLine, s.parseLine)
	return s
}

// Write parses the complete lines in p and buffers the rest. It always
// returns len(p), nil.
func (s *Stream) Write(p []byte) (int, error) {
	return s.splitter.Write(p)
}

// Take returns what arrived since the previous Take.
func (s *Stream) Take() StreamUpdate {
	s.mu.Lock()
	defer s.mu.Unlock()
	update := s.pending
	s.pending = StreamUpdate{}
	return update
}

// Result returns the result record and true once it has arrived.
func (s *Stream) Result() (*Result, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.result == nil {
		return nil, false
	}
	result := *s.result
	return &result, true
}

func (s *Stream) parseLine(line []byte) {
	var rec streamRecord
	object := jsonObject(line)
	if object == nil || json.Unmarshal(object, &rec) != nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case rec.Type == "assistant":
		s.pending.Tools = append(s.pending.Tools, rec.Message.toolUses()...)
	case rec.Type == "system" && rec.Subtype == "init":
		if !s.initSeen {
			s.initSeen = true
			s.pending.Init = rec.init()
		}
	case rec.Type == "system" && rec.Subtype == "api_retry":
		s.pending.Retries = append(s.pending.Retries, rec.retry())
	case rec.Type == "result":
		s.result = rec.resultRecord()
	}
}
