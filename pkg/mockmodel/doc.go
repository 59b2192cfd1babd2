// Package mockmodel serves a scripted imitation of the Anthropic Messages API
// so that the Claude Code CLI can run real turns with no account and no
// network access beyond loopback.
//
// Routes:
//   - HEAD / and GET / return 200, which is enough for Claude Code's start-up probe.
//   - POST /v1/messages (with or without ?beta=true) returns a message, streamed
//     as server-sent events when the request sets "stream": true.
//   - Any other method or path returns 404 with an Anthropic-style error body.
//
// A request without tools is a side request, such as Claude Code's title request.
// Its reply is JSON text that fits output_config.format.schema when the request
// has one, and a short plain sentence otherwise. Directives do not apply to it.
//
// A request with tools is a main request. Its prompt is the latest user message
// that has text outside <system-reminder> blocks and no tool_result, or the
// latest message that passes on a prompt typed during the turn, which
// Claude Code 2.1.197 sends with the role "system" and the first line "The
// user sent a new message while you were working:". The
// directives in the prompt form a script: an ordered list of steps, each one
// assistant reply with a text block and one tool_use block (stop_reason
// tool_use). The server keeps no conversation state. The index of the next
// step is the number of tool_use blocks in the assistant messages after the
// prompt. The reply is:
//   - "The tool failed: <first line>" with end_turn when the last user message
//     contains a tool_result with is_error.
//   - The next step's tool call while steps remain.
//   - After the last step, a final text that names each tool call of the turn,
//     such as "Done: wrote hello.txt.", with end_turn. A tool_result that
//     follows no tool call of the turn also gets this text.
//   - A text with end_turn when a step's tool is not in the request's tools,
//     or when there is no prompt or no step.
//
// Without step directives, the first word of the prompt that looks like a file
// name with an extension gives a one-step script that writes it.
//
// A prompt with neither continues the latest earlier prompt of the
// conversation whose script has steps left, as a model asked to go on with
// its task does. The steps, the error and stall counts and the final text
// are those of the earlier prompt. Its tool calls so far count as done.
// A resumed Claude Code session sends such a prompt after a turn that a
// failure of the model API cut short.
//
// Paths are the name joined to the directory on the system prompt line
// " - Primary working directory: <path>", or the name as given when it is
// absolute or no such line exists.
//
// Directives have the form [[name key=value ...]] or [[name=value]], where the
// shorthand sets the first key listed below. Values may be double-quoted to
// contain spaces. Step directives, which may repeat and run in prompt order:
//   - [[write file=NAME]] writes NAME with Write, with the content
//     "Written by the scripted model for the prompt: " followed by the first
//     line of the prompt and a newline. [[write files=N]] writes file-1.txt to
//     file-N.txt, one per step.
//   - [[bash command="CMD" description="TEXT"]] runs CMD with Bash. The
//     description defaults to "Run the scripted command".
//   - [[edit file=NAME]] is two steps: Read of NAME, then Edit with old_string
//     set to the first non-blank line of the Read result and new_string set to
//     that line followed by " (edited by the scripted model)". Claude Code
//     rejects an Edit of a file that it has not read.
//   - [[todo items=N]] calls TodoWrite once with N pending todos. When the
//     request offers TaskCreate but no TodoWrite, as Claude Code 2.1.197 does in
//     print mode, it calls TaskCreate N times instead.
//   - [[research steps=N pattern=REGEX]] is N steps that write nothing. Odd
//     steps list the files in the working directory that match REGEX (default
//     ".") with Grep, or with "grep -rlI" through Bash when the request offers
//     no Grep tool, as in Claude Code 2.1.197. Even steps Read a file that the
//     search before them listed, or search again when it listed none.
//   - [[structured file=NAME]] calls StructuredOutput with the JSON object
//     in NAME as its input. The server reads NAME when it plans the step.
//     Claude Code 2.1.197 offers that tool only with --json-schema, and puts
//     its input into the structured_output field of the result. A missing
//     file or one without a JSON object ends the turn with a text that
//     explains why.
//   - [[call tool=NAME args=FILE]] calls the tool NAME with the JSON object
//     in FILE as its input, or with an empty object without args. NAME may be
//     any tool the request offers, such as an MCP tool, which Claude Code
//     2.1.197 names mcp__SERVER__TOOL. The server reads FILE when it plans the
//     step. Each call comes in the reply to the previous call's result, so a
//     prompt with several calls runs them in order.
//
// Other directives, of which the first of each name counts:
//   - [[delay seconds=N]] holds the headers of the reply to the prompt for N
//     seconds (a decimal number, at most 600).
//   - [[pace seconds=N]] holds the headers of every reply that follows a tool
//     result for N seconds, so a loop of tool calls runs at a steady pace.
//   - [[think seconds=N]] sends the headers and, when streaming, message_start,
//     then waits N seconds (at most 600) before the rest of the reply.
//   - [[talk seconds=N]] adds one line a second for N seconds (at most 600) to
//     every text that ends a turn. A streamed reply sends one line per text
//     delta, spread over N seconds, as a model that writes a long answer does.
//   - [[stall times=K]] sends message_start, the start of a text block and one
//     text delta, then keeps the stream open until the client leaves or the
//     server closes. A non-streamed response gets only its headers.
//   - [[error status=CODE times=K]] or [[error kind=KIND times=K]] responds
//     with an Anthropic error: 429 rate_limit_error (kind rate_limit, with
//     retry-after: 1), 529 overloaded_error (overloaded), 401
//     authentication_error (authentication), or 400 invalid_request_error
//     "prompt is too long: 210000 tokens > 200000 maximum" (prompt_too_long).
//     With after=N (1 to 100), the first N main requests with the prompt
//     succeed and the error starts with the next one, as when a login expires
//     during a session.
//
// Delay and think apply only to the reply to the prompt, not to replies that
// follow a tool_result. Waits end early when the client cancels the request
// or the server closes. Without times, stall and error apply to every main
// request with the prompt. With times=K (1 to 100), the Server counts the main
// requests per prompt text, up to the end of its last directive, and only
// the first K stall or fail. Later requests
// behave as if the directive were absent, so a retried prompt succeeds. With
// after=N, times counts the requests after the first N. Stall and error share
// that count, and error wins when both apply.
//
// Bracketed text whose first word is not a known directive name is ordinary
// prompt text. A known directive with an unknown key or a missing or invalid
// value makes the server respond with 400 invalid_request_error naming the
// directive and the fix, which the CLI reports as an API error.
//
// Requests returns a log of recent requests with the x-claude-code-session-id
// header, the decision taken for each, the text of the tool result that
// each request carried, the first line of its prompt and the tool calls of
// the turns before the prompt.
package mockmodel
