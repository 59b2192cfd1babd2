package tools

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
)

// KillInput is the input of the kill tool.
type KillInput struct {
	InstanceID       string `json:"instance_id" jsonschema:"The instance to end, as listed by status."`
	Reason           string `json:"reason,omitempty" jsonschema:"Why it is killed; kept in status and logs."`
	Requeue          *bool  `json:"requeue,omitempty" jsonschema:"Queue the task again for a fresh instance (default true); false cancels the task."`
	CancelDependents bool   `json:"cancel_dependents,omitempty" jsonschema:"Cancel the task and every task that depends on it, instead of blocking them (default false). Implies requeue false."`
}

func killTool() mcp.Tool {
	return mcp.NewTool("kill",
		mcp.WithDescription("End a running instance: SIGTERM to its whole process group, a grace period, then "+
			"SIGKILL. The reason is recorded. Its task goes back to the queue for a fresh instance unless "+
			"requeue is false, which cancels the task and blocks the tasks that depend on it. "+
			"cancel_dependents true cancels those tasks too and lists them. The workspace is kept."),
		mcp.WithInputSchema[KillInput](),
		mcp.WithOutputSchema[executor.KillResult](),
		mcp.WithTitleAnnotation("Kill an instance"),
		mcp.WithReadOnlyHintAnnotation(false),
		mcp.WithDestructiveHintAnnotation(true),
		mcp.WithIdempotentHintAnnotation(false),
		mcp.WithOpenWorldHintAnnotation(false),
	)
}

func (s *Server) kill(_ context.Context, in KillInput) (executor.KillResult, error) {
	if strings.TrimSpace(in.InstanceID) == "" {
		return executor.KillResult{}, errorf("instance_id is empty: give an instance id from status")
	}
	reason := clientReason("killed by the client", in.Reason)
	if in.CancelDependents {
		if in.Requeue != nil && *in.Requeue {
			return executor.KillResult{}, errorf("requeue true contradicts cancel_dependents true, which " +
				"cancels the task: leave requeue out or set it to false")
		}
		return s.pool.KillAndCancel(in.InstanceID, reason)
	}
	requeue := in.Requeue == nil || *in.Requeue
	return s.pool.Kill(in.InstanceID, reason, requeue)
}

// InterveneInput is the input of the intervene tool.
type InterveneInput struct {
	InstanceID string   `json:"instance_id" jsonschema:"The instance to type into, as listed by status."`
	Text       string   `json:"text,omitempty" jsonschema:"Text to type, sent as is."`
	Keys       []string `json:"keys,omitempty" jsonschema:"Named keys sent after the text, in order: enter, esc, tab, backspace, up, down, left, right, space, ctrl-c, ctrl-d, ctrl-u."`
}

// InterveneOutput is the result of the intervene tool.
type InterveneOutput struct {
	InstanceID   string `json:"instance_id"`
	BytesWritten int    `json:"bytes_written"`
	State        string `json:"state,omitempty" jsonschema:"The instance's state when the text was typed, as status shows it."`
	Note         string `json:"note,omitempty" jsonschema:"What the typing does when the instance was not waiting for input."`
}

func interveneTool() mcp.Tool {
	return mcp.NewTool("intervene",
		mcp.WithDescription("Type into an instance's terminal: text, then named keys such as enter, esc, "+
			"ctrl-c, up, down or tab. Use it to answer an agent's question or redirect it; it counts as "+
			"activity. Check status afterwards to see the screen."),
		mcp.WithInputSchema[InterveneInput](),
		mcp.WithOutputSchema[InterveneOutput](),
		mcp.WithTitleAnnotation("Type into an instance"),
		mcp.WithReadOnlyHintAnnotation(false),
		mcp.WithDestructiveHintAnnotation(false),
		mcp.WithIdempotentHintAnnotation(false),
		mcp.WithOpenWorldHintAnnotation(false),
	)
}

func (s *Server) intervene(ctx context.Context, in InterveneInput) (InterveneOutput, error) {
	if strings.TrimSpace(in.InstanceID) == "" {
		return InterveneOutput{}, errorf("instance_id is empty: give an instance id from status")
	}
	state, profileName := s.instanceState(in.InstanceID)
	n, err := s.pool.Intervene(ctx, in.InstanceID, in.Text, in.Keys)
	if errors.Is(err, executor.ErrNotReading) {
		return InterveneOutput{}, fmt.Errorf("%w after %d bytes: the agent is busy or not reading its terminal; "+
			"check status and try again later, or kill it", err, n)
	}
	if err != nil {
		return InterveneOutput{}, err
	}
	note := interveneNote(state, profileName)
	if in.Text != "" && !slices.ContainsFunc(in.Keys, isEnter) {
		note = "the text waits in the agent's input until a call sends the key enter"
		if profileName == "claude" {
			note += "; when the turn ends first, the server empties the input box before it closes the agent"
		}
	}
	return InterveneOutput{InstanceID: in.InstanceID, BytesWritten: n, State: state, Note: note}, nil
}

func isEnter(key string) bool { return strings.EqualFold(strings.TrimSpace(key), "enter") }

// instanceState returns the state and profile of a live instance, or "".
func (s *Server) instanceState(id string) (state, profileName string) {
	st, err := s.pool.Status(executor.Filter{InstanceID: id, TailLines: 1})
	if err != nil {
		return "", ""
	}
	for _, inst := range st.Instances {
		if inst.ID == id {
			return inst.State, inst.Profile
		}
	}
	return "", ""
}

// interveneNote returns what typing does to an instance in state, or "".
func interveneNote(state, profileName string) string {
	switch {
	case state == executor.StateWorking.String() && profileName == "claude":
		return "the instance was working, not waiting for input: Claude Code queues typed text and gives it " +
			"to the model within the turn or as a turn of its own right after it; keys such as esc act at once"
	case state == executor.StateWorking.String():
		return "the instance was working, not waiting for input: the agent reads the text when it next reads " +
			"its terminal"
	case state == executor.StateDialog.String():
		return "the instance was held by a dialog: the keys go to that dialog"
	}
	return ""
}

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }
