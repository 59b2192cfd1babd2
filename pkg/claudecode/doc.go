// Package claudecode reads what the Claude Code CLI (version 2.1.197) writes
// about its work and prepares its configuration:
//
//   - Stream parses the output of claude -p --output-format stream-json
//     --verbose: the init record, tool calls, API retries and the result.
//   - Transcript follows the JSONL transcript of an interactive session:
//     tool calls, finished turns, the generated title and API errors.
//   - Trust marks a directory as trusted in the CLI's config file, so the
//     "Accessing workspace" dialog does not block an unattended start.
//   - ToolKind sorts tool names into kinds for scoring.
package claudecode
