package decompose

import "strings"

// plannerPrompt returns the instruction that requests a plan of goal in the
// JSON schema from an agent.
func plannerPrompt(goal, schema string) string {
	var b strings.Builder
	b.WriteString("Split the goal below into tasks for coding agents that work at the same time, ")
	b.WriteString("one agent per task. Do not change any file: read the project only where that helps ")
	b.WriteString("you plan. Return the plan as structured output in the JSON schema given below.\n\n")
	b.WriteString("Rules for the plan:\n")
	b.WriteString("- prompt: a complete instruction for one agent that has not seen the goal. Name the ")
	b.WriteString("files to create or change and say when the task is done.\n")
	b.WriteString("- name: short and unique, lowercase words joined by hyphens.\n")
	b.WriteString("- depends_on: the names of the tasks whose results this task needs, or an empty ")
	b.WriteString("list when it can start at once. Dependencies must not form a cycle.\n")
	b.WriteString("- owns: the files and directories the task writes, relative to the project root. A ")
	b.WriteString("directory owns everything below it. Two tasks that can run at the same time must own ")
	b.WriteString("disjoint paths, so make one depend on the other when both write the same file.\n")
	b.WriteString("- priority: 0 or more. Among tasks that are ready, higher runs first.\n")
	b.WriteString("- summary: one or two sentences on how the goal is split.\n")
	b.WriteString("Prefer few, independent tasks that can run in parallel over many small ones.\n\n")
	b.WriteString("JSON schema of the plan:\n")
	b.WriteString(schema)
	b.WriteString("\n\nGoal:\n")
	b.WriteString(strings.TrimSpace(goal))
	b.WriteString("\n")
	return b.String()
}
