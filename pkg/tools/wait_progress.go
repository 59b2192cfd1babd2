package tools

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	"go.uber.org/zap"

	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
)

// progressReporter sends notifications/progress for one tool call. It sends
// nothing when the request carries no progress token, and only with that
// token otherwise. Progress values strictly increase.
type progressReporter struct {
	srv    *server.MCPServer
	ledger *progressLedger
	log    *zap.Logger
	token  mcp.ProgressToken
	// key is the JSON of token, which the ledger matches written
	// notifications against.
	key string
	// sent is the highest progress queued for writing, or 0 before the
	// first notification.
	sent float64
}

// newProgressReporter returns the reporter of req, which sends nothing
// when req has no progress token.
func (s *Server) newProgressReporter(ctx context.Context, req mcp.CallToolRequest) *progressReporter {
	r := &progressReporter{srv: server.ServerFromContext(ctx), ledger: s.progress, log: s.log}
	if req.Params.Meta == nil || req.Params.Meta.ProgressToken == nil || r.srv == nil {
		return r
	}
	key, err := json.Marshal(req.Params.Meta.ProgressToken)
	if err != nil {
		s.log.Warn("progress token cannot be encoded: no progress is sent",
			zap.Any("token", req.Params.Meta.ProgressToken), zap.Error(err))
		return r
	}
	r.token, r.key = req.Params.Meta.ProgressToken, string(key)
	r.ledger.track(r.key)
	return r
}

// send queues a progress notification when progress is higher than the
// last one queued. A notification the transport's full queue rejects is
// logged and skipped, so a later one may still go out.
func (r *progressReporter) send(ctx context.Context, progress, total int, message string) {
	if r.token == nil || float64(progress) <= r.sent {
		return
	}
	err := r.srv.SendNotificationToClient(ctx, "notifications/progress", map[string]any{
		"progressToken": r.token,
		"progress":      progress,
		"total":         total,
		"message":       message,
	})
	if err != nil {
		level := r.log.Warn
		if errors.Is(err, server.ErrNotificationNotInitialized) {
			level = r.log.Debug
		}
		level("progress notification not sent", zap.String("token", r.key), zap.Int("progress", progress), zap.Error(err))
		return
	}
	r.sent = float64(progress)
}

// finish waits until the last queued notification is written, so that it
// cannot follow the call's response, and stops tracking the token. It must
// run after the last send and before the handler returns.
func (r *progressReporter) finish(ctx context.Context) {
	if r.token == nil {
		return
	}
	defer r.ledger.forget(r.key)
	if r.sent > 0 && !r.ledger.awaitWritten(ctx, r.key, r.sent) && ctx.Err() == nil {
		r.log.Warn("last progress notification not written before the response",
			zap.String("token", r.key), zap.Float64("progress", r.sent), zap.Duration("waited", progressWriteWait))
	}
}

// finishedMessage names the tasks that just finished and the count so far,
// such as `t-1a2b ("build") succeeded; 2 of 3 tasks finished`.
func finishedMessage(newly []executor.TaskInfo, finished, total int) string {
	parts := make([]string, len(newly))
	for i, task := range newly {
		parts[i] = taskRef(task) + " " + task.State
	}
	return fmt.Sprintf("%s; %d of %d tasks finished", strings.Join(parts, ", "), finished, total)
}

// taskRef names a task in messages: its id, and its name when it has one.
func taskRef(task executor.TaskInfo) string {
	if task.Name == "" {
		return task.ID
	}
	return fmt.Sprintf("%s (%q)", task.ID, task.Name)
}
