package tools

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
)

// ResultBudget is the largest status or output result in bytes of JSON,
// counting the structured content once. Clients reject large tool results
// (Claude Code's default limit is 25,000 tokens), so status shortens screen
// tails and pages tasks, and output cuts its text, to stay under it.
const ResultBudget = 60 * 1024

// Page sizes of the status tool, in tasks.
const (
	defaultStatusLimit = 50
	maxStatusLimit     = 500
)

// StatusInput is the input of the status tool.
type StatusInput struct {
	TaskID     string `json:"task_id,omitempty" jsonschema:"Show only this task (id or name) and its instances."`
	InstanceID string `json:"instance_id,omitempty" jsonschema:"Show only this instance and its task."`
	State      string `json:"state,omitempty" jsonschema:"Show only tasks in this state: queued, running, succeeded, failed, cancelled or blocked."`
	Offset     int    `json:"offset,omitempty" jsonschema:"Skip this many of the selected tasks, in submission order: 0 (the default) for the first page, or next_offset of the previous call."`
	Limit      int    `json:"limit,omitempty" jsonschema:"Show at most this many tasks, 1 to 500. Default 50. Fewer are shown when the result would exceed the size budget."`
	TailLines  int    `json:"tail_lines,omitempty" jsonschema:"Rows of each instance's rendered screen to include, 0 to 40. Default 15. Ended instances show none unless task_id or instance_id is given."`
	EventsInput
}

// StatusOutput is the result of the status tool.
type StatusOutput struct {
	executor.Status
	EventPage
	NextOffset int    `json:"next_offset,omitempty" jsonschema:"Offset of the next page of tasks; absent on the last page."`
	Truncated  bool   `json:"truncated,omitempty" jsonschema:"True when tasks were left out or screen tails were shortened; note says which and how to see them."`
	Note       string `json:"note,omitempty" jsonschema:"What the result left out and which call returns it."`
}

func statusTool() mcp.Tool {
	return mcp.NewTool("status",
		mcp.WithDescription("Show the pool (slots used, queued, running, succeeded, failed) and each task and "+
			"instance: state, productivity score 0-100 with its parts and the verdict, files created, seconds "+
			"since last activity, the last rows of its rendered terminal screen as plain text, and the exit "+
			"code or kill reason. Filter with task_id, instance_id or state. Tasks come in pages of limit "+
			"(default 50) in submission order, with the instances of those tasks; when next_offset is set, "+
			"pass it as offset for the next page. With events_after, it also pages the pool's event log "+
			"(starts, state changes, scores, warnings, kills, exits, finished tasks) from a cursor. The result "+
			"stays under 60 KiB. Read-only; call it as often as needed."),
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
	if in.Limit < 0 || in.Limit > maxStatusLimit {
		return StatusOutput{}, errorf("limit %d is out of range: use 1 to %d, or leave it out for %d",
			in.Limit, maxStatusLimit, defaultStatusLimit)
	}
	tail := in.TailLines
	if tail == 0 {
		tail = 15
	}
	events, err := s.eventRequest(in.EventsInput)
	if err != nil {
		return StatusOutput{}, err
	}
	limit := in.Limit
	if limit == 0 {
		limit = defaultStatusLimit
	}
	filtered := in.TaskID != "" || in.InstanceID != ""
	st, err := s.pool.Status(executor.Filter{
		TaskID: in.TaskID, InstanceID: in.InstanceID, State: in.State,
		Offset: in.Offset, Limit: limit, TailLines: tail, LiveTailsOnly: !filtered,
	})
	if err != nil {
		return StatusOutput{}, err
	}
	out := fitBudget(st, tail)
	notePage(&out, in.Offset)
	s.addEvents(&out, events, in, st)
	return out, nil
}

// noteReserve is the part of ResultBudget kept free for the note.
const noteReserve = 512

// fitBudget shortens screen tails, then drops tasks from the end of the
// page with their instances, until the result fits ResultBudget less the
// room kept for the note.
func fitBudget(st executor.Status, tail int) StatusOutput {
	out := StatusOutput{Status: st}
	budget := ResultBudget - noteReserve
	shortened := false
	for size(out) > budget && tail > 0 {
		tail /= 2
		shortened = true
		for i := range out.Instances {
			rows := out.Instances[i].ScreenTail
			if len(rows) > tail {
				out.Instances[i].ScreenTail = rows[len(rows)-tail:]
			}
		}
	}
	if size(out) > budget && len(out.Tasks) > 1 {
		out = keepFittingTasks(out, budget)
	}
	switch {
	case size(out) > budget:
		out.Truncated = true
		out.Note = "the result is over the size budget even with one task and no screen tails: filter by " +
			"instance_id"
	case shortened:
		out.Truncated = true
		out.Note = "screen tails were shortened to fit the size budget: filter by task_id or instance_id, or " +
			"use the output tool, to see more"
	}
	return out
}

// keepFittingTasks returns out with the longest prefix of its tasks, at
// least one, whose result fits budget, and only the instances of those
// tasks. The size grows with the number of tasks, so a binary search finds
// the prefix with a few encodings.
func keepFittingTasks(out StatusOutput, budget int) StatusOutput {
	low, high := 1, len(out.Tasks) // the longest fitting prefix has a length in [low, high]
	for low < high {
		mid := (low + high + 1) / 2
		if size(firstTasks(out, mid)) <= budget {
			low = mid
		} else {
			high = mid - 1
		}
	}
	return firstTasks(out, low)
}

// firstTasks returns out with its first n tasks and their instances.
func firstTasks(out StatusOutput, n int) StatusOutput {
	kept := make(map[string]bool, n)
	for _, task := range out.Tasks[:n] {
		kept[task.ID] = true
	}
	instances := make([]executor.InstanceInfo, 0, len(out.Instances))
	for _, inst := range out.Instances {
		if kept[inst.TaskID] {
			instances = append(instances, inst)
		}
	}
	out.Tasks = out.Tasks[:n]
	out.Instances = instances
	return out
}

// notePage sets next_offset when tasks after the page were left out, and
// explains in the note which tasks are shown and how to get the rest.
func notePage(out *StatusOutput, offset int) {
	shown := len(out.Tasks)
	var page string
	switch {
	case shown == 0 && offset > 0 && offset >= out.TasksMatched:
		page = fmt.Sprintf("offset %d is past the last of the %d selected tasks: use a smaller offset",
			offset, out.TasksMatched)
	case offset+shown < out.TasksMatched:
		out.NextOffset = offset + shown
		out.Truncated = true
		page = fmt.Sprintf("showing tasks %d to %d of %d: call status with offset %d and the same filters "+
			"for the next page, or filter by state", offset+1, offset+shown, out.TasksMatched, out.NextOffset)
	default:
		return
	}
	if out.Note == "" {
		out.Note = page
		return
	}
	out.Note = page + "; " + out.Note
}

func size(v any) int {
	data, err := json.Marshal(v)
	if err != nil {
		return 0
	}
	return len(data)
}
