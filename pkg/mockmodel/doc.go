// Package mockmodel serves a scripted, stateless imitation of the Anthropic
// Messages API so that the Claude Code CLI can run real turns with no account
// and no network access beyond loopback.
//
// Routes:
//   - HEAD / and GET / return 200, which is enough for Claude Code's start-up probe.
//   - POST /v1/messages (with or without ?beta=true) returns a message, streamed
//     as server-sent events when the request sets "stream": true.
//   - Any other method or path returns 404 with an Anthropic-style error body.
//
// A request without tools is a side request, such as Claude Code's title request.
// Its reply is JSON text that fits output_config.format.schema when the request
// has one, and a short plain sentence otherwise.
//
// A request with tools is a main request. The server keeps no state, so it
// decides from the messages alone:
//   - When the last user message contains a tool_result block, the reply is a
//     short final text such as "Done: wrote hello.txt." with stop_reason end_turn.
//   - Otherwise the server reads the latest user prompt, skipping
//     <system-reminder> blocks. It takes the file name from a [[write file=NAME]]
//     directive, or else from the first word of the prompt that looks like a file
//     name with an extension. When there is a file name and the request offers a
//     tool named Write, the reply is a text block and a Write tool_use block with
//     stop_reason tool_use. Otherwise the reply is text only, with end_turn.
//
// The Write input is {"file_path": ABS, "content": CONTENT}. ABS is the file name
// joined to the directory on the system prompt line
// " - Primary working directory: <path>", or the name as given when it is
// absolute or no such line exists. CONTENT is
// "Written by the scripted model for the prompt: " followed by the first line of
// the prompt and a newline.
//
// Directives have the form [[name key=value ...]] or [[name=value]]. Values may
// be double-quoted to contain spaces. Known directives:
//   - [[write file=NAME]] or [[write=NAME]] names the file to write.
//   - [[delay seconds=N]] or [[delay=N]] holds the response headers for N seconds
//     (a decimal number, at most 600) before answering the prompt. The reply
//     that follows a tool_result is not delayed. The wait ends early when the
//     client cancels the request or the server closes.
//
// Bracketed text whose first word is not a known directive name is ordinary
// prompt text. A known directive with a missing or invalid value makes the server
// respond with 400 invalid_request_error, which the CLI reports as an API error.
package mockmodel
