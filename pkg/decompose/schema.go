package decompose

import (
	"encoding/json"
	"fmt"
)

// MaxNameBytes is the longest task name accepted. The pool applies the same
// limit to the names of submitted tasks.
const MaxNameBytes = 100

// Schema returns the JSON schema of a Plan, for agents that produce
// structured output. Every call returns a fresh value, so a caller may
// change it. The schema marks every field required because structured
// output modes commonly expect that, while Decode accepts a task without
// depends_on, owns or priority.
func Schema() map[string]any {
	stringList := func(description string) map[string]any {
		return map[string]any{"type": "array", "items": map[string]any{"type": "string"}, "description": description}
	}
	task := map[string]any{
		"type":                 "object",
		"additionalProperties": false,
		"required":             []any{"name", "prompt", "depends_on", "owns", "priority"},
		"properties": map[string]any{
			"name": map[string]any{
				"type": "string", "minLength": 1, "maxLength": MaxNameBytes,
				"description": "Short unique label in lowercase words joined by hyphens, such as add-health-endpoint.",
			},
			"prompt": map[string]any{
				"type": "string", "minLength": 1,
				"description": "Complete instruction for one coding agent: what to build, which files to change, and when it is done.",
			},
			"depends_on": stringList("Names of the tasks that must succeed before this one starts. Empty when it can start at once."),
			"owns": stringList("Files and directories this task writes, relative to the project root. " +
				"A directory owns everything below it."),
			"priority": map[string]any{
				"type": "integer", "minimum": 0,
				"description": "Order among tasks that are ready at the same time: higher runs first.",
			},
		},
	}
	return map[string]any{
		"type":                 "object",
		"additionalProperties": false,
		"required":             []any{"summary", "tasks"},
		"properties": map[string]any{
			"summary": map[string]any{"type": "string", "description": "One or two sentences on how the goal is split."},
			"tasks":   map[string]any{"type": "array", "minItems": 1, "items": task},
		},
	}
}

// SchemaJSON returns Schema encoded as compact JSON.
func SchemaJSON() (string, error) {
	data, err := json.Marshal(Schema())
	if err != nil {
		return "", fmt.Errorf("encode the plan schema: %w", err)
	}
	return string(data), nil
}
