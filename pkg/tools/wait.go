package tools

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"go.uber.org/zap"

	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
)

// Wait bounds. A call waits DefaultWait unless it gives timeout_seconds, which
// may not exceed the server's maximum, DefaultWaitMax unless configured.
const (
	DefaultWait    = 25 * time.Second
	DefaultWaitMax = 600 * time.Second
)

// WaitInput is the input of the wait tool.
type WaitInput struct {
	TaskIDs        []string `json:"task_ids,omitempty" jsonschema:"Ids or names of the tasks to wait for. Empty: every task spawned so far."`
	TimeoutSeconds float64  `json:"timeout_seconds,omitempty" jsonschema:"Longest wait in seconds. Default 25; at most the server's maximum (600 unless configured)."`
}

// WaitOutput is the result of the wait tool.
type WaitOutput struct {
	Done          bool                `json:"done" jsonschema:"True when every selected task is final: succeeded, failed, cancelled or blocked."`
	Finished      []executor.TaskInfo `json:"finished" jsonschema:"Selected tasks in a final state."`
	Running       []executor.TaskInfo `json:"running" jsonschema:"Selected tasks still queued or running."`
	WaitedSeconds float64             `json:"waited_seconds"`
	Note          string              `json:"note,omitempty"`
}

func waitTool(maxWait time.Duration) mcp.Tool {
	return mcp.NewTool("wait",
		mcp.WithDescription(fmt.Sprintf("Wait until tasks reach a final state (succeeded, failed, cancelled or "+
			"blocked). task_ids lists ids or names; empty means every task spawned so far. Returns when all are "+
			"final or after timeout_seconds (default %s, at most %s), with the finished tasks and those still "+
			"queued or running; call it again to keep waiting. With a progress token it sends a progress "+
			"notification as tasks finish. Cancelling the call stops only the wait, never a task.",
			seconds(min(DefaultWait, maxWait)), seconds(maxWait))),
		mcp.WithInputSchema[WaitInput](),
		mcp.WithOutputSchema[WaitOutput](),
		mcp.WithTitleAnnotation("Wait for tasks"),
		mcp.WithReadOnlyHintAnnotation(true),
		mcp.WithDestructiveHintAnnotation(false),
		mcp.WithIdempotentHintAnnotation(true),
		mcp.WithOpenWorldHintAnnotation(false),
		mcp.WithTaskSupport(mcp.TaskSupportOptional),
	)
}

// wait blocks until the selected tasks are final, the bound passes or ctx
// ends. Pool events only wake it, and each wake-up reads the tasks again,
// so an event lost to a full subscription buffer delays nothing.
func (s *Server) wait(ctx context.Context, req mcp.CallToolRequest, in WaitInput) (WaitOutput, error) {
	bound, err := s.waitBound(in.TimeoutSeconds)
	if err != nil {
		return WaitOutput{}, err
	}
	release, err := s.waits.acquire()
	if err != nil {
		return WaitOutput{}, err
	}
	defer release()
	// Subscribe before the first read, so no change between the two is missed.
	events, unsubscribe := s.pool.Subscribe(64)
	defer unsubscribe()
	tasks, err := s.pool.Tasks(in.TaskIDs)
	if err != nil {
		return WaitOutput{}, err
	}
	ids := make([]string, len(tasks))
	for i, task := range tasks {
		ids[i] = task.ID
	}

	progress := s.newProgressReporter(ctx, req)
	defer progress.finish(ctx)
	start := time.Now()
	timer := time.NewTimer(bound)
	defer timer.Stop()
	reported := finalIDs(tasks)
	for {
		out := splitTasks(tasks)
		s.reportFinished(ctx, progress, out.Finished, reported, len(tasks))
		if len(out.Running) == 0 {
			return s.waitResult(out, start), nil
		}
		select {
		case <-ctx.Done():
			s.log.Info("wait cancelled by the client", zap.Int("tasks", len(ids)),
				zap.Int("running", len(out.Running)), zap.Duration("waited", time.Since(start)), zap.Error(ctx.Err()))
			return WaitOutput{}, ctx.Err()
		case <-timer.C:
			return s.waitResult(out, start), nil
		case _, open := <-events:
			if !open {
				// The pool has shut down, so no task changes any more.
				return s.waitResult(s.reread(ids, out), start), nil
			}
			drain(events)
		}
		if tasks, err = s.pool.Tasks(ids); err != nil {
			return WaitOutput{}, fmt.Errorf("read the tasks again: %w", err)
		}
	}
}

// waitBound returns the wait of a call that asked for timeoutSeconds, 0
// meaning the default.
func (s *Server) waitBound(timeoutSeconds float64) (time.Duration, error) {
	switch {
	case timeoutSeconds == 0:
		return min(DefaultWait, s.waitMax), nil
	case timeoutSeconds < 0 || math.IsNaN(timeoutSeconds):
		return 0, fmt.Errorf("timeout_seconds %v is invalid: use a positive number of seconds, or leave it out "+
			"for the default of %s", timeoutSeconds, seconds(min(DefaultWait, s.waitMax)))
	case timeoutSeconds > s.waitMax.Seconds():
		return 0, fmt.Errorf("timeout_seconds %v is over the server's maximum of %s: use %.0f or less, "+
			"and call wait again to keep waiting", timeoutSeconds, seconds(s.waitMax), s.waitMax.Seconds())
	}
	return time.Duration(timeoutSeconds * float64(time.Second)), nil
}

// reportFinished sends one progress notification naming the tasks that
// became final since the last one, and adds them to reported.
func (s *Server) reportFinished(ctx context.Context, progress *progressReporter, finished []executor.TaskInfo,
	reported map[string]bool, total int) {
	var newly []executor.TaskInfo
	for _, task := range finished {
		if !reported[task.ID] {
			reported[task.ID] = true
			newly = append(newly, task)
		}
	}
	if len(newly) > 0 {
		progress.send(ctx, len(finished), total, finishedMessage(newly, len(finished), total))
	}
}

// reread returns the tasks ids split by state, or fallback when the pool
// can no longer list them.
func (s *Server) reread(ids []string, fallback WaitOutput) WaitOutput {
	tasks, err := s.pool.Tasks(ids)
	if err != nil {
		s.log.Warn("read the tasks after the pool shut down failed", zap.Strings("tasks", ids), zap.Error(err))
		return fallback
	}
	return splitTasks(tasks)
}

// waitResult completes out with the time waited and fits it in the result
// budget.
func (s *Server) waitResult(out WaitOutput, start time.Time) WaitOutput {
	out.Done = len(out.Running) == 0
	out.WaitedSeconds = math.Round(time.Since(start).Seconds()*10) / 10
	return fitWaitBudget(out)
}

// splitTasks sorts tasks into finished and running, keeping their order.
func splitTasks(tasks []executor.TaskInfo) WaitOutput {
	out := WaitOutput{Finished: []executor.TaskInfo{}, Running: []executor.TaskInfo{}}
	for _, task := range tasks {
		if final(task) {
			out.Finished = append(out.Finished, task)
		} else {
			out.Running = append(out.Running, task)
		}
	}
	return out
}

func final(task executor.TaskInfo) bool {
	switch task.State {
	case executor.TaskSucceeded.String(), executor.TaskFailed.String(),
		executor.TaskCancelled.String(), executor.TaskBlocked.String():
		return true
	}
	return false
}

// finalIDs returns the ids of the tasks that are already final.
func finalIDs(tasks []executor.TaskInfo) map[string]bool {
	ids := make(map[string]bool, len(tasks))
	for _, task := range tasks {
		if final(task) {
			ids[task.ID] = true
		}
	}
	return ids
}

// fitWaitBudget drops the prompt previews when the result is over
// ResultBudget, which keeps a wait on many tasks under clients' limits.
func fitWaitBudget(out WaitOutput) WaitOutput {
	if size(out) <= ResultBudget {
		return out
	}
	for _, list := range [][]executor.TaskInfo{out.Finished, out.Running} {
		for i := range list {
			list[i].Prompt = ""
		}
	}
	out.Note = "prompts were left out to fit the size budget: pass task_ids to wait for fewer tasks"
	if size(out) > ResultBudget {
		out.Note = "the result is over the size budget even without prompts: pass task_ids to wait for fewer tasks"
	}
	return out
}

// drain empties the buffered events, so one read of the tasks covers them.
func drain(events <-chan executor.Event) {
	for {
		select {
		case _, open := <-events:
			if !open {
				return
			}
		default:
			return
		}
	}
}

// seconds formats d as whole or fractional seconds, such as "25 s".
func seconds(d time.Duration) string {
	return fmt.Sprintf("%g s", d.Seconds())
}
