package app

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sync"

	"go.uber.org/zap"
)

// DefaultMaxMessageSize is the cap, in MiB, on one JSON-RPC message the
// server reads, unless a flag or the config file sets another.
const DefaultMaxMessageSize = 8

// maxMaxMessageSize is the largest max_message_size in MiB, 1 GiB.
const maxMaxMessageSize = 1 << 10

// Sizes of the buffers of a lineCapReader.
const (
	// capReadChunk is how much the reader asks its source for at once.
	capReadChunk = 64 << 10
	// capPrefixKeep is how much of an oversized line is kept to find the
	// request's id in.
	capPrefixKeep = 64 << 10
	// capKeepBuffer is the largest buffer kept for the next line; a larger
	// one is released, so one big line does not pin its memory.
	capKeepBuffer = 64 << 10
)

// lineCapReader passes the lines of src through, except lines longer than
// limit bytes, not counting the newline. It drops those as they arrive and
// calls rejected with the line's size and its first bytes once the line's
// end is read. It keeps at most one line of up to limit bytes, so an
// oversized line is never in memory whole. A final line without a newline
// passes through, or is rejected, when src ends.
type lineCapReader struct {
	src      io.Reader
	limit    int
	rejected func(size int64, prefix []byte)

	chunk []byte
	// ready contains complete lines, which Read returns from off on.
	ready []byte
	off   int
	// line is the start of the line being read while it is within limit.
	line []byte
	// dropping is set while the rest of an oversized line is skipped.
	// size counts the line's bytes and prefix keeps its start.
	dropping bool
	size     int64
	prefix   []byte
	// err is the error of src, returned once ready is read.
	err error
}

// newLineCapReader returns a reader of the lines of src that calls rejected
// for each line longer than limit bytes instead of passing it on.
func newLineCapReader(src io.Reader, limit int, rejected func(size int64, prefix []byte)) *lineCapReader {
	return &lineCapReader{src: src, limit: limit, rejected: rejected, chunk: make([]byte, capReadChunk)}
}

// Read copies complete lines to p, reading src until it has one.
func (r *lineCapReader) Read(p []byte) (int, error) {
	for r.off == len(r.ready) {
		if r.err != nil {
			r.endLine()
			if r.off == len(r.ready) {
				return 0, r.err
			}
			break
		}
		n, err := r.src.Read(r.chunk)
		r.scan(r.chunk[:n])
		r.err = err
	}
	n := copy(p, r.ready[r.off:])
	r.off += n
	if r.off == len(r.ready) {
		r.ready, r.off = reuse(r.ready), 0
	}
	return n, nil
}

// scan splits data into the parts of lines and adds each.
func (r *lineCapReader) scan(data []byte) {
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			r.add(data)
			return
		}
		r.add(data[:i])
		r.newline()
		data = data[i+1:]
	}
}

// add adds part of the current line, which has no newline.
func (r *lineCapReader) add(part []byte) {
	switch {
	case r.dropping:
		r.size += int64(len(part))
		r.prefix = append(r.prefix, part[:min(len(part), capPrefixKeep-len(r.prefix))]...)
	case len(r.line)+len(part) > r.limit:
		r.startDropping(part)
	default:
		r.line = append(r.line, part...)
	}
}

// startDropping marks the current line oversized, keeps its first bytes
// and releases the rest.
func (r *lineCapReader) startDropping(part []byte) {
	r.dropping = true
	r.size = int64(len(r.line) + len(part))
	keep := min(len(r.line), capPrefixKeep)
	r.prefix = append([]byte(nil), r.line[:keep]...)
	r.prefix = append(r.prefix, part[:min(len(part), capPrefixKeep-keep)]...)
	r.line = nil
}

// newline ends the current line. A line within the limit becomes ready
// with its newline, and an oversized one is reported.
func (r *lineCapReader) newline() {
	if r.dropping {
		r.report()
		return
	}
	r.ready = append(append(r.ready, r.line...), '\n')
	r.line = reuse(r.line)
}

// endLine ends a final line that has no newline, at the end of src.
func (r *lineCapReader) endLine() {
	if r.dropping {
		r.report()
		return
	}
	r.ready = append(r.ready, r.line...)
	r.line = nil
}

// report passes the dropped line to rejected and starts the next line.
func (r *lineCapReader) report() {
	size, prefix := r.size, r.prefix
	r.dropping, r.size, r.prefix = false, 0, nil
	r.rejected(size, prefix)
}

// reuse empties b for the next line, or releases it when it is large.
func reuse(b []byte) []byte {
	if cap(b) > capKeepBuffer {
		return nil
	}
	return b[:0]
}

// requestID returns the id of the JSON-RPC request whose first bytes are
// prefix, or null when no top-level member of the prefix is a valid id.
func requestID(prefix []byte) json.RawMessage {
	null := json.RawMessage("null")
	dec := json.NewDecoder(bytes.NewReader(prefix))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return null
	}
	for dec.More() {
		tok, err := dec.Token()
		key, isKey := tok.(string)
		if err != nil || !isKey {
			return null
		}
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return null
		}
		if key == "id" {
			if len(value) > 0 && (value[0] == '"' || value[0] == '-' || (value[0] >= '0' && value[0] <= '9')) {
				return value
			}
			return null
		}
	}
	return null
}

// invalidRequest is the JSON-RPC error code for an invalid request, which
// the server returns for a message over the cap.
const invalidRequest = -32600

// oversizeResponse is the JSON-RPC error response to an oversized message.
type oversizeResponse struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Error   oversizeError   `json:"error"`
}

type oversizeError struct {
	Code    int          `json:"code"`
	Message string       `json:"message"`
	Data    oversizeData `json:"data"`
}

type oversizeData struct {
	Size  int64 `json:"size"`
	Limit int64 `json:"limit"`
}

// oversizeMessage formats the error for a message of size bytes over limit.
func oversizeMessage(size, limit int64) string {
	capText := fmt.Sprintf("%d bytes", limit)
	if limit%(1<<20) == 0 {
		capText += fmt.Sprintf(" (%d MiB)", limit>>20)
	}
	return fmt.Sprintf("message of %d bytes is over the cap of %s on one JSON-RPC message: "+
		"send less, or raise the server's --max-message-size or its config key max_message_size",
		size, capText)
}

// lockedWriter serializes the Write calls to w. mcp-go writes each message
// in one Write call, so a message written through the same lockedWriter
// never interleaves with them.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (lw *lockedWriter) Write(p []byte) (int, error) {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	// The error goes back unwrapped: mcp-go compares it with io.EOF.
	return lw.w.Write(p)
}

// capStdio returns stdin with its lines capped at limit bytes, and out
// serialized for the writes of mcp-go and of the cap. A line over the cap
// gets a JSON-RPC error response on out and a warning in log.
func capStdio(stdin io.Reader, out io.Writer, limit int64, log *zap.Logger) (io.Reader, io.Writer) {
	locked := &lockedWriter{w: out}
	rejected := func(size int64, prefix []byte) {
		id := requestID(prefix)
		log.Warn("JSON-RPC message over the size cap dropped", zap.Int64("size", size), zap.Int64("cap", limit),
			zap.ByteString("id", id))
		if err := writeOversize(locked, id, size, limit); err != nil {
			log.Error("failed to write the error for a message over the size cap", zap.ByteString("id", id), zap.Error(err))
		}
	}
	return newLineCapReader(stdin, int(limit), rejected), locked
}

// writeOversize writes the error response to an oversized message with id
// as one line, in one Write call.
func writeOversize(w io.Writer, id json.RawMessage, size, limit int64) error {
	data, err := json.Marshal(oversizeResponse{JSONRPC: "2.0", ID: id, Error: oversizeError{
		Code: invalidRequest, Message: oversizeMessage(size, limit), Data: oversizeData{Size: size, Limit: limit}}})
	if err != nil {
		return fmt.Errorf("encode the error response for id %s: %w", id, err)
	}
	if _, err := w.Write(append(data, '\n')); err != nil {
		return fmt.Errorf("write the error response for id %s: %w", id, err)
	}
	return nil
}
