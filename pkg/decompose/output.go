package decompose

import (
	"bytes"
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// claudeResult contains the fields of Claude Code's print-mode result object
// that the planner reads.
type claudeResult struct {
	Type             string          `json:"type"`
	Subtype          string          `json:"subtype"`
	IsError          bool            `json:"is_error"`
	Result           string          `json:"result"`
	StructuredOutput json.RawMessage `json:"structured_output"`
}

// planData returns the JSON of the plan in a planner's standard output.
func planData(format Output, stdout []byte) ([]byte, error) {
	switch format {
	case OutputClaudeJSON:
		return claudePlan(stdout)
	case OutputPlanJSON, "":
		return outermostObject(stdout)
	}
	return nil, fmt.Errorf("unknown output format %q: use %q or %q", format, OutputClaudeJSON, OutputPlanJSON)
}

// claudePlan returns structured_output from Claude Code's result object. It
// takes the whole output as one object (--output-format json) and else the
// last line of type "result" (--output-format stream-json).
func claudePlan(stdout []byte) ([]byte, error) {
	result, err := findClaudeResult(stdout)
	if err != nil {
		return nil, err
	}
	if result.IsError || (result.Subtype != "" && result.Subtype != "success") {
		return nil, fmt.Errorf("the agent reported an error (%s): %s", result.Subtype, clip(result.Result))
	}
	if len(result.StructuredOutput) == 0 || string(result.StructuredOutput) == "null" {
		return nil, fmt.Errorf("the agent returned no structured output, and its final text was %q: "+
			"run a CLI that supports --json-schema, such as Claude Code 2.1.197", clip(result.Result))
	}
	return result.StructuredOutput, nil
}

// claudeFailure returns the text of Claude Code's result object when the
// output has one that reports an error, and "" otherwise.
func claudeFailure(format Output, stdout []byte) string {
	if format != OutputClaudeJSON {
		return ""
	}
	result, err := findClaudeResult(stdout)
	if err != nil || !result.IsError {
		return ""
	}
	return clip(result.Result)
}

func findClaudeResult(stdout []byte) (claudeResult, error) {
	var result claudeResult
	if json.Unmarshal(bytes.TrimSpace(stdout), &result) == nil && result.Type == "result" {
		return result, nil
	}
	lines := bytes.Split(bytes.TrimSpace(stdout), []byte("\n"))
	for i := len(lines) - 1; i >= 0; i-- {
		result = claudeResult{}
		if json.Unmarshal(lines[i], &result) == nil && result.Type == "result" {
			return result, nil
		}
	}
	return claudeResult{}, fmt.Errorf("no result object in the agent's output %q: run Claude Code with "+
		"--output-format json", clip(string(stdout)))
}

// outermostObject returns the text from the first "{" to the last "}".
func outermostObject(stdout []byte) ([]byte, error) {
	start, end := bytes.IndexByte(stdout, '{'), bytes.LastIndexByte(stdout, '}')
	if start < 0 || end < start {
		return nil, fmt.Errorf("the agent's output contains no JSON object: %q", clip(string(stdout)))
	}
	return stdout[start : end+1], nil
}

// clip shortens text for an error message to at most its first 500 bytes,
// cut at the start of a UTF-8 character.
func clip(text string) string {
	const maxBytes = 500
	if len(text) <= maxBytes {
		return text
	}
	cut := maxBytes
	for cut > 0 && !utf8.RuneStart(text[cut]) {
		cut--
	}
	return text[:cut] + "…"
}
