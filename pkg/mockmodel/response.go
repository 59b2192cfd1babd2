package mockmodel

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// sseContentType is the content type of streamed responses, as the Anthropic
// API sends it.
const sseContentType = "text/event-stream; charset=utf-8"

// responseMessage is a reply with the message fields that the API adds.
type responseMessage struct {
	id           string
	model        string
	planned      reply
	inputTokens  int
	outputTokens int
}

// newResponseMessage wraps planned in a message with a new id. Token counts are
// estimates at about four bytes per token.
func newResponseMessage(model string, planned reply, bodyBytes int) responseMessage {
	if model == "" {
		model = "mockmodel"
	}
	outputBytes := 0
	for _, block := range planned.blocks {
		outputBytes += len(block.text) + len(block.input)
	}
	return responseMessage{
		id:           newID("msg_"),
		model:        model,
		planned:      planned,
		inputTokens:  max(1, bodyBytes/4),
		outputTokens: max(1, outputBytes/4),
	}
}

// header returns the message object with the given content and stop reason.
func (m responseMessage) header(content []any, stopReason any, outputTokens int) map[string]any {
	return map[string]any{
		"id":            m.id,
		"type":          "message",
		"role":          "assistant",
		"model":         m.model,
		"content":       content,
		"stop_reason":   stopReason,
		"stop_sequence": nil,
		"usage":         map[string]int{"input_tokens": m.inputTokens, "output_tokens": outputTokens},
	}
}

// fullBlock returns block as it appears in a complete message.
func fullBlock(block replyBlock) map[string]any {
	if block.toolName == "" {
		return map[string]any{"type": "text", "text": block.text}
	}
	return map[string]any{"type": "tool_use", "id": block.toolID, "name": block.toolName, "input": block.input}
}

// startBlock returns block as content_block_start announces it: empty text,
// or a tool_use with empty input.
func startBlock(block replyBlock) map[string]any {
	if block.toolName == "" {
		return map[string]any{"type": "text", "text": ""}
	}
	return map[string]any{"type": "tool_use", "id": block.toolID, "name": block.toolName, "input": map[string]any{}}
}

// writeMessage sends m as one JSON body. With m.planned.think set, it sends
// the headers first and waits that long, or until ctx ends, before the body.
func writeMessage(ctx context.Context, w http.ResponseWriter, m responseMessage) error {
	content := make([]any, 0, len(m.planned.blocks))
	for _, block := range m.planned.blocks {
		content = append(content, fullBlock(block))
	}
	body := m.header(content, m.planned.stopReason, m.outputTokens)
	if m.planned.think <= 0 {
		return writeJSON(w, http.StatusOK, body)
	}

	data, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("encode JSON response: %w", err)
	}
	w.Header().Set("content-type", "application/json")
	w.WriteHeader(http.StatusOK)
	if err := http.NewResponseController(w).Flush(); err != nil {
		return fmt.Errorf("flush response headers: %w", err)
	}
	if err := sleepContext(ctx, m.planned.think); err != nil {
		return fmt.Errorf("think for %s: %w", m.planned.think, err)
	}
	if _, err := w.Write(data); err != nil {
		return fmt.Errorf("write JSON response: %w", err)
	}
	return nil
}

// writeStream sends m as server-sent events: message_start, then
// content_block_start, content_block_delta and content_block_stop for each
// block, then message_delta and message_stop. Text is sent in up to two deltas
// and tool input in two or more input_json_delta chunks. With m.planned.think
// set, it waits that long after message_start, or until ctx ends. With
// m.planned.talk set, text goes one line per delta, spread over that time.
func writeStream(ctx context.Context, w http.ResponseWriter, m responseMessage) error {
	sse := startStream(w, m)
	if sse.err == nil {
		if err := sleepContext(ctx, m.planned.think); err != nil {
			return fmt.Errorf("think for %s: %w", m.planned.think, err)
		}
	}
	for index, block := range m.planned.blocks {
		sse.send("content_block_start", map[string]any{"type": "content_block_start", "index": index, "content_block": startBlock(block)})
		deltas := blockDeltas(block)
		var gap time.Duration
		if block.toolName == "" && m.planned.talk > 0 {
			deltas = lineDeltas(block.text)
			gap = m.planned.talk / time.Duration(len(deltas))
		}
		for k, delta := range deltas {
			if k > 0 && gap > 0 && sse.err == nil {
				if err := sleepContext(ctx, gap); err != nil {
					return fmt.Errorf("talk for %s: %w", m.planned.talk, err)
				}
			}
			sse.send("content_block_delta", map[string]any{"type": "content_block_delta", "index": index, "delta": delta})
		}
		sse.send("content_block_stop", map[string]any{"type": "content_block_stop", "index": index})
	}
	sse.send("message_delta", map[string]any{
		"type":  "message_delta",
		"delta": map[string]any{"stop_reason": m.planned.stopReason, "stop_sequence": nil},
		"usage": map[string]int{"output_tokens": m.outputTokens},
	})
	sse.send("message_stop", map[string]any{"type": "message_stop"})
	return sse.err
}

// startStream sends the SSE headers and message_start, and returns the
// writer for the events that follow.
func startStream(w http.ResponseWriter, m responseMessage) *eventWriter {
	w.Header().Set("content-type", sseContentType)
	w.Header().Set("cache-control", "no-cache")
	w.WriteHeader(http.StatusOK)
	sse := &eventWriter{w: w, flush: http.NewResponseController(w)}
	sse.send("message_start", map[string]any{"type": "message_start", "message": m.header([]any{}, nil, 1)})
	return sse
}

// blockDeltas returns the content_block_delta payloads that carry block.
func blockDeltas(block replyBlock) []map[string]any {
	var deltas []map[string]any
	if block.toolName == "" {
		for _, chunk := range splitChunks(block.text, 2) {
			deltas = append(deltas, map[string]any{"type": "text_delta", "text": chunk})
		}
		return deltas
	}
	for _, chunk := range splitChunks(string(block.input), 3) {
		deltas = append(deltas, map[string]any{"type": "input_json_delta", "partial_json": chunk})
	}
	return deltas
}

// lineDeltas returns one text_delta per line of text, each with its
// newline, for a reply that talks one line at a time.
func lineDeltas(text string) []map[string]any {
	var deltas []map[string]any
	for line := range strings.Lines(text) {
		deltas = append(deltas, map[string]any{"type": "text_delta", "text": line})
	}
	return deltas
}

// splitChunks splits text into at most n non-empty chunks of about equal size
// at rune boundaries, because a chunk that ends inside a UTF-8 sequence would
// be altered by JSON encoding. Empty text gives one empty chunk.
func splitChunks(text string, n int) []string {
	if text == "" {
		return []string{""}
	}
	size := max(1, (len(text)+n-1)/n)
	var chunks []string
	for len(text) > 0 {
		end := min(size, len(text))
		for end < len(text) && !utf8.RuneStart(text[end]) {
			end++
		}
		chunks = append(chunks, text[:end])
		text = text[end:]
	}
	return chunks
}

// eventWriter writes server-sent events and flushes after each one. After the
// first failure it stores the error and skips later events.
type eventWriter struct {
	w     http.ResponseWriter
	flush *http.ResponseController
	err   error
}

// send writes one event with payload encoded as JSON in its data line.
func (e *eventWriter) send(event string, payload any) {
	if e.err != nil {
		return
	}
	data, err := json.Marshal(payload)
	if err != nil {
		e.err = fmt.Errorf("encode %s event: %w", event, err)
		return
	}
	if _, err := fmt.Fprintf(e.w, "event: %s\ndata: %s\n\n", event, data); err != nil {
		e.err = fmt.Errorf("write %s event: %w", event, err)
		return
	}
	if err := e.flush.Flush(); err != nil {
		e.err = fmt.Errorf("flush %s event: %w", event, err)
	}
}
