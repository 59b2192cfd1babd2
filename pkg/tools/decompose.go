package tools

import (
	"context"
	"fmt"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"go.uber.org/zap"

	"github.com/axiom-mcp/axiom-mcp/pkg/decompose"
)

// Modes of the decompose tool.
const (
	// modeList splits a numbered or bulleted goal with decompose.Split.
	modeList = "list"
	// modeAgent runs the configured agent planner.
	modeAgent = "agent"
)

// DecomposeInput is the input of the decompose tool.
type DecomposeInput struct {
	Goal   string `json:"goal" jsonschema:"The work to plan. In list mode, write the steps as a numbered (1. or 1)) or bulleted (- or *) list. Refer to other steps with 'after step 2' or 'once step 1 is done'. Text before the list is given to every task."`
	Mode   string `json:"mode,omitempty" jsonschema:"list splits the goal's list deterministically. agent has an agent CLI write the plan. Default: agent when the server has an agent planner, else list."`
	Submit bool   `json:"submit,omitempty" jsonschema:"Queue the tasks at once, as spawn does. Default false: return the plan for review without starting anything."`
}

// DecomposeOutput is the result of the decompose tool.
type DecomposeOutput struct {
	Mode    string      `json:"mode" jsonschema:"The mode that made the plan: list or agent."`
	Summary string      `json:"summary"`
	Tasks   []SpawnTask `json:"tasks" jsonschema:"The validated tasks, in the form spawn takes in its tasks argument."`
	// Submitted is true when the tasks were queued, and Spawn is then the
	// spawn result.
	Submitted bool         `json:"submitted"`
	Spawn     *SpawnOutput `json:"spawn,omitempty" jsonschema:"The spawn result: task ids, started instances and the pool, when submit was true."`
}

func decomposeTool() mcp.Tool {
	return mcp.NewTool("decompose",
		mcp.WithDescription("Break a goal into a graph of tasks for parallel agents: names, prompts, "+
			"depends_on, owned paths and priorities. The plan is validated: dependencies must name tasks of "+
			"the plan and form no cycle, and tasks that can run at the same time must own disjoint paths. "+
			"Without submit it returns the plan for review, and the tasks can be edited and passed to spawn. "+
			"With submit true it queues them as spawn does and returns the spawn result."),
		mcp.WithInputSchema[DecomposeInput](),
		mcp.WithOutputSchema[DecomposeOutput](),
		mcp.WithTitleAnnotation("Plan a goal as tasks"),
		mcp.WithReadOnlyHintAnnotation(false),
		mcp.WithDestructiveHintAnnotation(false),
		mcp.WithIdempotentHintAnnotation(false),
		mcp.WithOpenWorldHintAnnotation(true),
	)
}

func (s *Server) decompose(ctx context.Context, in DecomposeInput) (DecomposeOutput, error) {
	if strings.TrimSpace(in.Goal) == "" {
		return DecomposeOutput{}, errorf("goal is empty: describe the work, or write the steps as a numbered " +
			"or bulleted list")
	}
	mode, err := s.decomposeMode(in.Mode)
	if err != nil {
		return DecomposeOutput{}, err
	}
	plan, err := s.makePlan(ctx, mode, in.Goal)
	if err != nil {
		return DecomposeOutput{}, err
	}
	out := DecomposeOutput{Mode: mode, Summary: plan.Summary, Tasks: spawnTasks(plan)}
	if !in.Submit {
		return out, nil
	}
	spawned, err := s.spawn(ctx, SpawnInput{Tasks: out.Tasks})
	if err != nil {
		return DecomposeOutput{}, fmt.Errorf("the plan is valid but the pool rejected it: %w: call decompose "+
			"without submit, adjust the tasks and pass them to spawn", err)
	}
	out.Submitted, out.Spawn = true, &spawned
	return out, nil
}

// decomposeMode resolves the requested mode: agent by default when an agent
// planner is configured, list otherwise.
func (s *Server) decomposeMode(requested string) (string, error) {
	switch strings.TrimSpace(requested) {
	case "":
		if s.planner != nil {
			return modeAgent, nil
		}
		return modeList, nil
	case modeList:
		return modeList, nil
	case modeAgent:
		if s.planner == nil {
			return "", errorf("mode agent needs an agent planner, and this server has none: use mode list, " +
				"or restart the server with --planner claude")
		}
		return modeAgent, nil
	}
	return "", errorf("mode %q is unknown: use list or agent", requested)
}

// makePlan makes and validates the plan of goal in mode.
func (s *Server) makePlan(ctx context.Context, mode, goal string) (decompose.Plan, error) {
	if mode == modeAgent {
		// Plan validates the plan, and its errors name the problems.
		plan, err := s.planner.Plan(ctx, goal)
		if err != nil {
			s.log.Warn("agent planner failed", zap.String("program", s.planner.Command.Program), zap.Error(err))
		}
		return plan, err
	}
	plan, err := decompose.Split(goal)
	if err != nil {
		return decompose.Plan{}, err
	}
	if err := plan.Validate(); err != nil {
		return decompose.Plan{}, fmt.Errorf("the goal's list gives an invalid plan, so nothing was queued: %w: "+
			"correct the step references in the goal", err)
	}
	return plan, nil
}

// spawnTasks returns the plan's tasks in the form spawn takes.
func spawnTasks(plan decompose.Plan) []SpawnTask {
	tasks := make([]SpawnTask, len(plan.Tasks))
	for i, t := range plan.Tasks {
		tasks[i] = SpawnTask{Prompt: t.Prompt, Name: t.Name, Priority: t.Priority, DependsOn: t.DependsOn, Owns: t.Owns}
	}
	return tasks
}
