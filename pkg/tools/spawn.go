package tools

import (
	"context"
	"fmt"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
)

// SpawnTask is one task in a spawn request.
type SpawnTask struct {
	Prompt         string   `json:"prompt" jsonschema:"The instruction for the coding agent. Required."`
	Name           string   `json:"name,omitempty" jsonschema:"Optional unique label; other tasks may name it in depends_on."`
	Priority       int      `json:"priority,omitempty" jsonschema:"Order among ready tasks: higher runs first. Default 0; must not be negative."`
	DependsOn      []string `json:"depends_on,omitempty" jsonschema:"Ids or names of tasks that must succeed before this one starts."`
	Owns           []string `json:"owns,omitempty" jsonschema:"Paths the task owns, relative to its workspace (the same place in every workspace) or absolute; a directory owns everything below it. Tasks whose owned paths overlap never run at the same time."`
	Workdir        string   `json:"workdir,omitempty" jsonschema:"Workspace directory: a relative name under the workspace root or an absolute path. A directory inside a git repository gets its own worktree and branch (axiom/NAME) under the workspace root; any other directory must not exist yet. Default: a fresh directory named after the task id."`
	MaxAttempts    int      `json:"max_attempts,omitempty" jsonschema:"How many instances may try this task before it fails. Default: the server's setting (3)."`
	Profile        string   `json:"profile,omitempty" jsonschema:"Agent profile that runs the task: claude (interactive Claude Code), claude-print, codex, gemini, aider, command, or one from the server's profiles file. Default: the server's setting."`
	PermissionMode string   `json:"permission_mode,omitempty" jsonschema:"Claude Code permission mode: acceptEdits, auto, bypassPermissions, default, dontAsk or plan. Default: the server's setting (acceptEdits)."`
}

// SpawnInput is the input of the spawn tool: one task given inline, or many
// in tasks.
type SpawnInput struct {
	SpawnTask
	// Prompt shadows the embedded task's prompt, which is required inside
	// tasks but optional here, where tasks may be given instead.
	Prompt string      `json:"prompt,omitempty" jsonschema:"The instruction for the coding agent of a single task. Required unless tasks is given."`
	Tasks  []SpawnTask `json:"tasks,omitempty" jsonschema:"Several tasks at once; use this or the single-task fields, not both."`
}

// SpawnedTask reports one queued task.
type SpawnedTask struct {
	TaskID     string `json:"task_id"`
	Name       string `json:"name,omitempty"`
	State      string `json:"state"`
	InstanceID string `json:"instance_id,omitempty" jsonschema:"The instance started for the task, if a slot was free."`
	Workspace  string `json:"workspace"`
}

// SpawnOutput is the result of the spawn tool.
type SpawnOutput struct {
	Tasks []SpawnedTask     `json:"tasks"`
	Pool  executor.PoolInfo `json:"pool"`
}

func spawnTool() mcp.Tool {
	return mcp.NewTool("spawn",
		mcp.WithDescription("Queue one or more coding tasks and start agent instances for them in parallel. "+
			"Returns task ids at once (and instance ids for tasks that started); it never waits for an agent "+
			"to finish. Each task gets its own fresh workspace directory. Give a single task with prompt "+
			"(plus optional name, priority, depends_on, owns, workdir, profile, permission_mode), or several in tasks. "+
			"Then poll status: an instance in state waiting_input shows its question; answer it with intervene."),
		mcp.WithInputSchema[SpawnInput](),
		mcp.WithOutputSchema[SpawnOutput](),
		mcp.WithTitleAnnotation("Spawn agent tasks"),
		mcp.WithReadOnlyHintAnnotation(false),
		mcp.WithDestructiveHintAnnotation(false),
		mcp.WithIdempotentHintAnnotation(false),
		mcp.WithOpenWorldHintAnnotation(true),
		mcp.WithTaskSupport(mcp.TaskSupportOptional),
	)
}

func (s *Server) spawn(_ context.Context, in SpawnInput) (SpawnOutput, error) {
	specs, err := in.specs()
	if err != nil {
		return SpawnOutput{}, err
	}
	infos, err := s.pool.Submit(specs)
	if err != nil {
		return SpawnOutput{}, err
	}
	out := SpawnOutput{Tasks: make([]SpawnedTask, len(infos))}
	for i, info := range infos {
		out.Tasks[i] = SpawnedTask{TaskID: info.ID, Name: info.Name, State: info.State, Workspace: info.Workspace}
		if len(info.Instances) > 0 {
			out.Tasks[i].InstanceID = info.Instances[len(info.Instances)-1]
		}
	}
	st, err := s.pool.Status(executor.Filter{TaskID: infos[0].ID, TailLines: 1})
	if err == nil {
		out.Pool = st.Pool
	}
	return out, nil
}

func (in SpawnInput) specs() ([]executor.TaskSpec, error) {
	single := in.SpawnTask
	single.Prompt = in.Prompt
	hasSingle := single.Prompt != "" || single.Name != "" || len(single.DependsOn) > 0 || len(single.Owns) > 0 ||
		single.Workdir != "" || single.Priority != 0 || single.MaxAttempts != 0 || single.Profile != "" ||
		single.PermissionMode != ""
	switch {
	case hasSingle && len(in.Tasks) > 0:
		return nil, fmt.Errorf("give either prompt (one task) or tasks (several), not both")
	case !hasSingle && len(in.Tasks) == 0:
		return nil, fmt.Errorf("no task given: set prompt to the agent's instruction, or tasks to a list of tasks")
	case hasSingle:
		return []executor.TaskSpec{single.spec()}, nil
	}
	specs := make([]executor.TaskSpec, len(in.Tasks))
	for i, t := range in.Tasks {
		specs[i] = t.spec()
	}
	return specs, nil
}

func (t SpawnTask) spec() executor.TaskSpec {
	return executor.TaskSpec{
		Prompt: t.Prompt, Name: strings.TrimSpace(t.Name), Priority: t.Priority,
		DependsOn: t.DependsOn, Owns: t.Owns, Workdir: t.Workdir, MaxAttempts: t.MaxAttempts,
		Profile: strings.TrimSpace(t.Profile), PermissionMode: strings.TrimSpace(t.PermissionMode),
	}
}
