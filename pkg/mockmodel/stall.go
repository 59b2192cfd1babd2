package mockmodel

import (
	"context"
	"fmt"
	"net/http"
)

// stallText is the only text delta of a stalled response.
const stallText = "Working on it"

// writeStall starts a response and then sends nothing more until ctx ends,
// which happens when the client disconnects or the server closes. A stream
// gets message_start, the start of a text block and one text delta. A
// non-streamed response gets only its headers. It always returns an error
// because the response never completes.
func writeStall(ctx context.Context, w http.ResponseWriter, m responseMessage, stream bool) error {
	if stream {
		sse := startStream(w, m)
		sse.send("content_block_start", map[string]any{"type": "content_block_start", "index": 0, "content_block": map[string]any{"type": "text", "text": ""}})
		sse.send("content_block_delta", map[string]any{"type": "content_block_delta", "index": 0, "delta": map[string]any{"type": "text_delta", "text": stallText}})
		if sse.err != nil {
			return sse.err
		}
	} else {
		w.Header().Set("content-type", "application/json")
		w.WriteHeader(http.StatusOK)
		if err := http.NewResponseController(w).Flush(); err != nil {
			return fmt.Errorf("flush stalled response headers: %w", err)
		}
	}
	<-ctx.Done()
	return fmt.Errorf("stalled response ended: %w", ctx.Err())
}
