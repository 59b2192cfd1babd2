package tools

import (
	"context"
	"encoding/json"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
)

// ResultBudget is the largest status result in bytes of JSON. Clients reject
// large tool results (Claude Code's default limit is 25,000 tokens), so
// screen tails are shortened, then dropped, to stay under it.
const ResultBudget = 60 * 1024

// StatusInput is the input of the status tool.
type StatusInput struct {
	TaskID     string `json:"task_id,omitempty" jsonschema:"Show only this task (id or name) and its instances."`
	InstanceID string `json:"instance_id,omitempty" jsonschema:"Show only this instance and its task."`
	TailLines  int    `json:"tail_lines,omitempty" jsonschema:"Rows of each instance's rendered screen to include, 0 to 40. Default 15."`
	EventsInput
}

// StatusOutput is the result of the status tool.
type StatusOutput struct {
	executor.Status
	EventPage
	Truncated bool   `json:"truncated,omitempty" jsonschema:"True when screen tails were shortened to fit the size budget; filter by task or instance to see more."`
	Note      string `json:"note,omitempty"`
}

func statusTool() mcp.Tool {
	return mcp.NewTool("status",
		mcp.WithDescription("Show the pool (slots used, queued, running, succeeded, failed) and each task and "+
			"instance: state, productivity score 0-100 with its parts and the verdict, files created, seconds "+
			"since last activity, the last rows of its rendered terminal screen as plain text, and the exit "+
			"code or kill reason. Filter with task_id or instance_id. With events_after, it also pages the pool's "+
			"event log (starts, state changes, scores, warnings, kills, exits, finished tasks) from a cursor. "+
			"Read-only; call it as often as needed."),
		mcp.WithInputSchema[StatusInput](),
		mcp.WithOutputSchema[StatusOutput](),
		mcp.WithTitleAnnotation("Pool status"),
		mcp.WithReadOnlyHintAnnotation(true),
		mcp.WithDestructiveHintAnnotation(false),
		mcp.WithIdempotentHintAnnotation(true),
		mcp.WithOpenWorldHintAnnotation(false),
	)
}

func (s *Server) status(_ context.Context, in StatusInput) (StatusOutput, error) {
	if in.TailLines < 0 || in.TailLines > 40 {
		return StatusOutput{}, errorf("tail_lines %d is out of range: use 0 to 40", in.TailLines)
	}
	tail := in.TailLines
	if tail == 0 {
		tail = 15
	}
	events, err := s.eventRequest(in.EventsInput)
	if err != nil {
		return StatusOutput{}, err
	}
	st, err := s.pool.Status(executor.Filter{TaskID: in.TaskID, InstanceID: in.InstanceID, TailLines: tail})
	if err != nil {
		return StatusOutput{}, err
	}
	out := fitBudget(st, tail)
	s.addEvents(&out, events, in, st)
	return out, nil
}

// fitBudget shortens screen tails until the result fits ResultBudget.
func fitBudget(st executor.Status, tail int) StatusOutput {
	out := StatusOutput{Status: st}
	for size(out) > ResultBudget {
		if tail == 0 {
			out.Note = "the result is over the size budget even without screen tails: filter by task_id or instance_id"
			return out
		}
		tail /= 2
		out.Truncated = true
		for i := range out.Instances {
			rows := out.Instances[i].ScreenTail
			if len(rows) > tail {
				out.Instances[i].ScreenTail = rows[len(rows)-tail:]
			}
		}
	}
	if out.Truncated {
		out.Note = "screen tails were shortened to fit the size budget: filter by task_id or instance_id to see more"
	}
	return out
}

func size(v any) int {
	data, err := json.Marshal(v)
	if err != nil {
		return 0
	}
	return len(data)
}
