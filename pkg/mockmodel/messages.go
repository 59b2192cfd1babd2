package mockmodel

import (
	"context"
	"net/http"
	"time"

	"go.uber.org/zap"
)

// serveMessages handles POST /v1/messages.
func (s *Server) serveMessages(w http.ResponseWriter, r *http.Request) {
	requestID := newID("req_")
	w.Header().Set("request-id", requestID)
	log := s.logger.With(
		zap.String("request_id", requestID),
		zap.String("session_id", r.Header.Get("x-claude-code-session-id")),
	)

	req, apiErr := decodeRequest(w, r)
	if apiErr != nil {
		s.reject(w, log, apiErr)
		return
	}

	kind := "main"
	var planned reply
	if len(req.Tools) == 0 {
		kind = "side"
		s.counts.side.Add(1)
		planned, apiErr = planSide(req)
	} else {
		s.counts.main.Add(1)
		planned, apiErr = planMain(req)
	}
	log = log.With(zap.String("kind", kind), zap.String("model", req.Model))
	if apiErr != nil {
		s.reject(w, log, apiErr)
		return
	}
	log.Debug("mockmodel: request",
		zap.Bool("stream", req.Stream),
		zap.String("decision", planned.decision),
		zap.Duration("delay", planned.delay),
	)

	if err := sleepContext(r.Context(), planned.delay); err != nil {
		s.counts.errors.Add(1)
		log.Debug("mockmodel: request ended during delay", zap.Error(err))
		return
	}

	msg := newResponseMessage(req.Model, planned, req.bodyBytes)
	var err error
	if req.Stream {
		err = writeStream(w, msg)
	} else {
		err = writeMessage(w, msg)
	}
	if err != nil {
		s.counts.errors.Add(1)
		log.Debug("mockmodel: response not completed", zap.Error(err))
	}
}

// reject counts, logs and sends an error response.
func (s *Server) reject(w http.ResponseWriter, log *zap.Logger, apiErr *apiError) {
	s.counts.errors.Add(1)
	log.Warn("mockmodel: request rejected",
		zap.Int("status", apiErr.status),
		zap.String("error_type", apiErr.kind),
		zap.String("message", apiErr.message),
	)
	writeError(w, apiErr)
}

// sleepContext waits for d or until ctx ends, and returns ctx's error in the
// second case.
func sleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
