package tools

import (
	"context"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
)

// CancelInput is the input of the cancel tool.
type CancelInput struct {
	Tasks  []string `json:"tasks" jsonschema:"Ids or names of the tasks to cancel, as listed by status."`
	Reason string   `json:"reason,omitempty" jsonschema:"Why they are cancelled; kept in status and logs."`
}

func cancelTool() mcp.Tool {
	return mcp.NewTool("cancel",
		mcp.WithDescription("Cancel tasks by id or name, and every task that depends on them. Queued tasks "+
			"never start; running ones are killed (SIGTERM, a grace period, then SIGKILL) and not retried. "+
			"Returns each cancelled task with the reason, such as \"depends on build\", and the named tasks "+
			"that had already ended. Workspaces are kept."),
		mcp.WithInputSchema[CancelInput](),
		mcp.WithOutputSchema[executor.CancelResult](),
		mcp.WithTitleAnnotation("Cancel tasks"),
		mcp.WithReadOnlyHintAnnotation(false),
		mcp.WithDestructiveHintAnnotation(true),
		mcp.WithIdempotentHintAnnotation(true),
		mcp.WithOpenWorldHintAnnotation(false),
	)
}

func (s *Server) cancel(_ context.Context, in CancelInput) (executor.CancelResult, error) {
	if len(in.Tasks) == 0 {
		return executor.CancelResult{}, errorf("tasks is empty: give the ids or names of the tasks to cancel")
	}
	refs := make([]string, len(in.Tasks))
	for i, ref := range in.Tasks {
		refs[i] = strings.TrimSpace(ref)
		if refs[i] == "" {
			return executor.CancelResult{}, errorf("tasks[%d] is empty: give a task id or name from status", i)
		}
	}
	return s.pool.Cancel(refs, clientReason("cancelled by the client", in.Reason))
}

// clientReason returns base, followed by the client's reason when it gave
// one.
func clientReason(base, reason string) string {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return base
	}
	return base + ": " + reason
}
