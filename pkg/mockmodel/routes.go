package mockmodel

import (
	"encoding/json"
	"fmt"
	"net/http"

	"go.uber.org/zap"
)

// route dispatches a request to the probe or messages handler and responds
// with 404 to every other method and path.
func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/" && (r.Method == http.MethodHead || r.Method == http.MethodGet):
		s.counts.probes.Add(1)
		s.logger.Debug("mockmodel: request", zap.String("kind", "probe"), zap.String("method", r.Method))
		w.Header().Set("content-type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		if r.Method == http.MethodGet {
			_, _ = w.Write([]byte("mockmodel: OK\n"))
		}
	case r.URL.Path == "/v1/messages" && r.Method == http.MethodPost:
		s.serveMessages(w, r)
	default:
		s.counts.errors.Add(1)
		s.logger.Warn("mockmodel: no route", zap.String("method", r.Method), zap.String("path", r.URL.Path))
		msg := fmt.Sprintf("no route for %s %s: this server answers POST /v1/messages and HEAD /", r.Method, r.URL.Path)
		writeError(w, &apiError{status: http.StatusNotFound, kind: "not_found_error", message: msg})
	}
}

// apiError is an error that the server sends to the client as an HTTP status
// and an Anthropic-style error body.
type apiError struct {
	status  int
	kind    string
	message string
	// retryAfter is the retry-after header value in seconds, or "" for none.
	retryAfter string
}

// Error returns the message sent to the client.
func (e *apiError) Error() string {
	return e.message
}

// invalidRequest returns a 400 invalid_request_error with a formatted message.
func invalidRequest(format string, args ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, kind: "invalid_request_error", message: fmt.Sprintf(format, args...)}
}

// writeError sends e as {"type":"error","error":{"type":...,"message":...}}.
func writeError(w http.ResponseWriter, e *apiError) {
	if e.retryAfter != "" {
		w.Header().Set("retry-after", e.retryAfter)
	}
	body := map[string]any{
		"type":  "error",
		"error": map[string]string{"type": e.kind, "message": e.message},
	}
	_ = writeJSON(w, e.status, body)
}

// writeJSON sends value as a JSON body with the given status.
func writeJSON(w http.ResponseWriter, status int, value any) error {
	data, err := json.Marshal(value)
	if err != nil {
		return fmt.Errorf("encode JSON response: %w", err)
	}
	w.Header().Set("content-type", "application/json")
	w.WriteHeader(status)
	if _, err := w.Write(data); err != nil {
		return fmt.Errorf("write JSON response: %w", err)
	}
	return nil
}
