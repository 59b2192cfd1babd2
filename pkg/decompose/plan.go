package decompose

// Plan is a goal broken into tasks.
type Plan struct {
	// Summary is one or two sentences on how the goal was split.
	Summary string `json:"summary"`
	// Tasks lists the tasks in the order they were written.
	Tasks []Task `json:"tasks"`
}

// Task is one unit of work for one agent instance.
type Task struct {
	// Name is a label, unique in the plan, that other tasks use in DependsOn.
	Name string `json:"name"`
	// Prompt is the complete instruction for the agent.
	Prompt string `json:"prompt"`
	// DependsOn lists the names of tasks that must succeed before this one
	// starts.
	DependsOn []string `json:"depends_on,omitempty"`
	// Owns lists the files and directories the task writes. A directory owns
	// every path below it.
	Owns []string `json:"owns,omitempty"`
	// Priority orders tasks that are ready at the same time: higher runs
	// first. It is 0 or more.
	Priority int `json:"priority,omitempty"`
}
