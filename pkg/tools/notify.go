package tools

import (
	"context"

	"github.com/mark3labs/mcp-go/mcp"
	"go.uber.org/zap"

	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
)

// ForwardEvents sends pool events to every client session as MCP logging
// notifications (notifications/message, logger "axiom"), honouring each
// session's logging level, until ctx is done or the pool shuts down. The
// caller owns the goroutine that runs it.
func (s *Server) ForwardEvents(ctx context.Context) {
	events, stop := s.pool.Subscribe(256)
	defer stop()
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-events:
			if !ok {
				return
			}
			s.send(ev)
		}
	}
}

func (s *Server) send(ev executor.Event) {
	note := mcp.NewLoggingMessageNotification(mcp.LoggingLevel(ev.Level), "axiom", ev)
	s.mu.Lock()
	ids := make([]string, 0, len(s.sessions))
	for id := range s.sessions {
		ids = append(ids, id)
	}
	s.mu.Unlock()
	for _, id := range ids {
		if err := s.mcp.SendLogMessageToSpecificClient(id, note); err != nil {
			s.log.Debug("event not delivered", zap.String("session", id), zap.Error(err))
		}
	}
}
