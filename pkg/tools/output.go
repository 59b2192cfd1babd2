package tools

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/mark3labs/mcp-go/mcp"
)

// Sources of the output tool.
const (
	sourceScreen     = "screen"
	sourceTranscript = "transcript"
)

// MaxOutputBytes is the largest page of text one output call returns.
const MaxOutputBytes = 60000

// OutputInput is the input of the output tool.
type OutputInput struct {
	InstanceID string `json:"instance_id" jsonschema:"The instance to read, as listed by status."`
	Source     string `json:"source,omitempty" jsonschema:"screen (the default) for the rendered terminal screen now, or transcript for everything the instance printed, as plain text."`
	Cursor     int64  `json:"cursor,omitempty" jsonschema:"Byte offset in the text to start at: 0 (the default) for the start, or next_cursor of the previous call to read on."`
	MaxBytes   int    `json:"max_bytes,omitempty" jsonschema:"Maximum bytes of text to return, 1 to 60000. Default 60000. Text that JSON escaping makes longer is cut shorter, so the result stays under 60 KiB."`
}

// OutputResult is the result of the output tool. Offsets count bytes of
// text. In a transcript they count from the first byte the instance ever
// printed, so they stay valid while the instance prints more.
type OutputResult struct {
	InstanceID   string `json:"instance_id"`
	TaskID       string `json:"task_id"`
	Source       string `json:"source"`
	State        string `json:"state" jsonschema:"The instance's state. An exited or killed instance prints no more."`
	Text         string `json:"text"`
	Cursor       int64  `json:"cursor" jsonschema:"Offset of the first byte of text: the requested cursor, or later when that text is no longer kept or the cursor fell inside a UTF-8 character."`
	NextCursor   int64  `json:"next_cursor" jsonschema:"Offset just past the text. Pass it as cursor to read on."`
	TotalBytes   int64  `json:"total_bytes" jsonschema:"Length of the source in bytes: the whole screen, or everything the instance printed so far."`
	OldestCursor int64  `json:"oldest_cursor" jsonschema:"Offset of the oldest byte still kept. The server keeps the most recent part of each transcript (1 MiB by default) and drops older text."`
	Truncated    bool   `json:"truncated" jsonschema:"True when the text stops before total_bytes. Call again with cursor set to next_cursor for the rest."`
	SkippedBytes int64  `json:"skipped_bytes,omitempty" jsonschema:"Bytes between the requested cursor and cursor that were dropped before they could be read."`
}

func outputTool() mcp.Tool {
	return mcp.NewTool("output",
		mcp.WithDescription("Read an instance's output as plain text: its rendered terminal screen now (source "+
			"screen, the default), or everything it printed (source transcript), with escape sequences removed "+
			"and cursor moves turned into line breaks and spaces. Long text comes in pages of at most max_bytes: "+
			"while truncated is true, call again with cursor set to next_cursor. Polling a running instance "+
			"with the last next_cursor returns only what it printed since. Works for ended instances too. "+
			"Read-only."),
		mcp.WithInputSchema[OutputInput](),
		mcp.WithOutputSchema[OutputResult](),
		mcp.WithTitleAnnotation("Read an instance's output"),
		mcp.WithReadOnlyHintAnnotation(true),
		mcp.WithDestructiveHintAnnotation(false),
		mcp.WithIdempotentHintAnnotation(true),
		mcp.WithOpenWorldHintAnnotation(false),
	)
}

func (s *Server) output(_ context.Context, in OutputInput) (OutputResult, error) {
	if strings.TrimSpace(in.InstanceID) == "" {
		return OutputResult{}, errorf("instance_id is empty: give an instance id from status")
	}
	if in.MaxBytes < 0 || in.MaxBytes > MaxOutputBytes {
		return OutputResult{}, errorf("max_bytes %d is out of range: use 1 to %d, or leave it out for %d",
			in.MaxBytes, MaxOutputBytes, MaxOutputBytes)
	}
	if in.Cursor < 0 {
		return OutputResult{}, errorf("cursor %d is negative: use 0 for the start of the text, or next_cursor "+
			"of the previous call", in.Cursor)
	}
	limit := in.MaxBytes
	if limit == 0 {
		limit = MaxOutputBytes
	}
	switch in.Source {
	case "", sourceScreen:
		return s.screenOutput(in, limit)
	case sourceTranscript:
		return s.transcriptOutput(in, limit)
	}
	return OutputResult{}, errorf("source %q is unknown: use %s or %s", in.Source, sourceScreen, sourceTranscript)
}

// screenOutput returns a page of the screen's rows joined by newlines.
func (s *Server) screenOutput(in OutputInput, limit int) (OutputResult, error) {
	view, err := s.pool.Screen(in.InstanceID)
	if err != nil {
		return OutputResult{}, err
	}
	text := []byte(strings.Join(view.Lines, "\n"))
	total := int64(len(text))
	if in.Cursor > total {
		return OutputResult{}, cursorPastEnd(in.Cursor, total, sourceScreen)
	}
	out := OutputResult{
		InstanceID: view.InstanceID, TaskID: view.TaskID, Source: sourceScreen, State: view.State,
		TotalBytes: total,
	}
	fillPage(&out, text[in.Cursor:], in.Cursor, limit)
	return out, nil
}

// transcriptOutput returns a page of the instance's plain-text transcript.
func (s *Server) transcriptOutput(in OutputInput, limit int) (OutputResult, error) {
	window, err := s.pool.TranscriptText(in.InstanceID, in.Cursor, limit)
	if err != nil {
		return OutputResult{}, err
	}
	if in.Cursor > window.Total {
		return OutputResult{}, cursorPastEnd(in.Cursor, window.Total, sourceTranscript)
	}
	out := OutputResult{
		InstanceID: window.InstanceID, TaskID: window.TaskID, Source: sourceTranscript, State: window.State,
		TotalBytes: window.Total, OldestCursor: window.Oldest, SkippedBytes: window.Start - in.Cursor,
	}
	fillPage(&out, window.Text, window.Start, limit)
	return out, nil
}

func cursorPastEnd(cursor, total int64, source string) error {
	return errorf("cursor %d is past the end of the %s, which has %d bytes: use 0 for the start, or "+
		"next_cursor of the previous call", cursor, source, total)
}

// fillPage sets the text, cursors and truncation of out from data, the
// source's bytes from offset start on, cut to the page budget.
func fillPage(out *OutputResult, data []byte, start int64, limit int) {
	skip := runeStart(data)
	page := cutPage(data[skip:], limit, outputTextBudget)
	out.Cursor = start + int64(skip)
	out.NextCursor = out.Cursor + int64(len(page))
	out.Text = string(page)
	out.Truncated = out.NextCursor < out.TotalBytes
}

// runeStart returns how many leading bytes of data continue a UTF-8
// character that starts before data, at most 3.
func runeStart(data []byte) int {
	n := 0
	for n < len(data) && n < utf8.UTFMax-1 && !utf8.RuneStart(data[n]) {
		n++
	}
	return n
}

// outputTextBudget bounds the JSON-encoded text of one output result. The
// rest of ResultBudget is left for the other fields, which take less than
// 1 KiB.
const outputTextBudget = ResultBudget - 1024

// cutPage returns the longest prefix of data, ending at a character
// boundary, that has at most limit bytes and at most budget bytes once
// encoded as a JSON string. The prefix holds at least one whole character
// when data starts with one, even one longer than limit, so paging always
// moves on. An incomplete UTF-8 character at the end is left for the next
// page, because the rest of it may not be written yet.
func cutPage(data []byte, limit, budget int) []byte {
	size, encoded := 0, 0
	for size < len(data) {
		if !utf8.FullRune(data[size:]) {
			break
		}
		r, n := utf8.DecodeRune(data[size:])
		cost := jsonCost(r, n)
		if size > 0 && (size+n > limit || encoded+cost > budget) {
			break
		}
		size += n
		encoded += cost
	}
	return data[:size]
}

// jsonCost returns the bytes that encoding/json writes for the rune r,
// which takes n bytes in the input. It escapes quotes, backslashes and
// controls, escapes <, > and & for HTML, and writes U+2028, U+2029 and
// each invalid byte as a \u escape (\ufffd for an invalid byte).
func jsonCost(r rune, n int) int {
	switch {
	case r == '"' || r == '\\' || r == '\n' || r == '\r' || r == '\t':
		return 2
	case r == utf8.RuneError && n == 1, r < 0x20, r == '<' || r == '>' || r == '&', r == '\u2028' || r == '\u2029':
		return len(`\u0000`)
	}
	return n
}
