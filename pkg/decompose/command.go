package decompose

import "strings"

// Placeholders that Command.Args may contain. Each must be a whole argument
// and is replaced by one argument, so no shell ever splits the value.
const (
	// PromptPlaceholder becomes the planning prompt, which contains the goal.
	PromptPlaceholder = "{prompt}"
	// SchemaPlaceholder becomes the plan's JSON schema, for CLIs that take a
	// schema for structured output.
	SchemaPlaceholder = "{schema}"
)

// Output names the format of a planner CLI's standard output.
type Output string

const (
	// OutputClaudeJSON is the result object that claude -p --output-format
	// json prints. With --json-schema the plan is its structured_output
	// field.
	OutputClaudeJSON Output = "claude-json"
	// OutputPlanJSON is the plan itself as JSON. Text around the object,
	// such as a Markdown code fence, is ignored.
	OutputPlanJSON Output = "plan-json"
)

// Command is the command line of an agent CLI that writes a plan.
type Command struct {
	// Program is the executable, a path or a name looked up in PATH.
	Program string
	// Args are the arguments. Without a {prompt} argument the prompt is
	// appended as the last one.
	Args []string
	// Output is the format of the CLI's standard output.
	Output Output
}

// ClaudeCommand returns the command for Claude Code in print mode, checked
// against Claude Code 2.1.197. --json-schema makes the CLI offer a
// StructuredOutput tool with the plan schema as its input schema and print
// the tool's input as structured_output. --tools keeps the agent to tools
// that only read, so planning changes no file. An empty program means
// "claude" from PATH.
func ClaudeCommand(program string) Command {
	if program == "" {
		program = "claude"
	}
	return Command{
		Program: program,
		Args: []string{
			"-p", PromptPlaceholder,
			"--output-format", "json",
			"--json-schema", SchemaPlaceholder,
			"--tools", "Read,Grep,Glob",
			"--no-session-persistence",
		},
		Output: OutputClaudeJSON,
	}
}

// argv returns the arguments with the placeholders replaced.
func (c Command) argv(prompt, schema string) []string {
	args := make([]string, 0, len(c.Args)+1)
	hasPrompt := false
	for _, arg := range c.Args {
		switch strings.TrimSpace(arg) {
		case PromptPlaceholder:
			args = append(args, prompt)
			hasPrompt = true
		case SchemaPlaceholder:
			args = append(args, schema)
		default:
			args = append(args, arg)
		}
	}
	if !hasPrompt {
		args = append(args, prompt)
	}
	return args
}
