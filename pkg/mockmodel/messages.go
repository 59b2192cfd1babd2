package mockmodel

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"go.uber.org/zap"
)

// outcome is the response chosen for one messages request.
type outcome struct {
	// kind is "main" or "side".
	kind  string
	reply reply
	// failure is a scripted error to send in place of the reply, or nil.
	failure *apiError
	// stall is true when the response stops after its first text delta and
	// stays open until the client leaves.
	stall bool
}

// serveMessages handles POST /v1/messages.
func (s *Server) serveMessages(w http.ResponseWriter, r *http.Request) {
	requestID := newID("req_")
	sessionID := r.Header.Get("x-claude-code-session-id")
	w.Header().Set("request-id", requestID)
	log := s.logger.With(zap.String("request_id", requestID), zap.String("session_id", sessionID))

	req, apiErr := decodeRequest(w, r)
	if apiErr != nil {
		s.record(RequestLog{SessionID: sessionID, Status: apiErr.status, Decision: "rejected: " + apiErr.kind})
		s.reject(w, log, apiErr)
		return
	}

	result, apiErr := s.decide(req)
	log = log.With(zap.String("kind", result.kind), zap.String("model", req.Model))
	if apiErr != nil {
		s.record(withConversation(RequestLog{SessionID: sessionID, Kind: result.kind, Status: apiErr.status,
			Decision: "rejected: " + apiErr.kind}, req))
		s.reject(w, log, apiErr)
		return
	}
	entry := withConversation(result.logEntry(sessionID), req)
	s.record(entry)
	log.Debug("mockmodel: request",
		zap.Bool("stream", req.Stream),
		zap.String("decision", entry.Decision),
		zap.Duration("delay", result.reply.delay),
		zap.Duration("think", result.reply.think),
	)

	if err := sleepContext(r.Context(), result.reply.delay); err != nil {
		s.counts.errors.Add(1)
		log.Debug("mockmodel: request ended during delay", zap.Error(err))
		return
	}
	if result.failure != nil {
		s.counts.errors.Add(1)
		log.Info("mockmodel: scripted error sent", zap.Int("status", result.failure.status), zap.String("error_type", result.failure.kind))
		writeError(w, result.failure)
		return
	}

	msg := newResponseMessage(req.Model, result.reply, req.bodyBytes)
	var err error
	switch {
	case result.stall:
		err = writeStall(r.Context(), w, msg, req.Stream)
	case req.Stream:
		err = writeStream(r.Context(), w, msg)
	default:
		err = writeMessage(r.Context(), w, msg)
	}
	if err != nil {
		s.counts.errors.Add(1)
		log.Debug("mockmodel: response not completed", zap.Error(err))
	}
}

// decide plans the response to req and applies the [[error]] and [[stall]]
// directives of its prompt.
func (s *Server) decide(req *messagesRequest) (outcome, *apiError) {
	if len(req.Tools) == 0 {
		s.counts.side.Add(1)
		planned, apiErr := planSide(req)
		return outcome{kind: "side", reply: planned}, apiErr
	}

	s.counts.main.Add(1)
	plan, apiErr := planMain(req)
	if apiErr != nil {
		return outcome{kind: "main"}, apiErr
	}
	result := outcome{kind: "main", reply: plan.reply}
	if plan.failure == nil && plan.stall == nil {
		return result, nil
	}
	number := s.countPrompt(plan.prompt)
	switch {
	case plan.failure != nil && plan.failure.fails(number):
		result.failure = plan.failure.err
	case plan.stall != nil && (plan.stall.times == 0 || number <= plan.stall.times):
		result.stall = true
	}
	return result, nil
}

// logEntry returns the RequestLog entry of the outcome.
func (o outcome) logEntry(sessionID string) RequestLog {
	entry := RequestLog{SessionID: sessionID, Kind: o.kind, Status: http.StatusOK, Decision: o.reply.decision}
	switch {
	case o.failure != nil:
		entry.Status = o.failure.status
		entry.Decision = fmt.Sprintf("error %d %s", o.failure.status, o.failure.kind)
	case o.stall:
		entry.Decision = "stall"
	default:
		for _, block := range o.reply.blocks {
			if block.toolName != "" {
				entry.Tool = block.toolName
			}
		}
	}
	return entry
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
