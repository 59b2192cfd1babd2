// Package upstream recognises failures of the model API behind a coding
// agent: rate limits, overload, failed authentication, exhausted usage
// limits, prompts that exceed the context window, and lost connections.
//
// Classify reads the texts that Claude Code shows for such a failure: a line
// of its terminal screen, the "API Error: ..." text of a transcript record
// with isApiErrorMessage or of a stream-json result, and the retry line of
// its busy spinner. FromStatus maps the HTTP status of a stream-json
// api_retry record or result (api_error_status). The texts were read from
// Claude Code 2.1.197 against a scripted model server, except the
// usage-limit and expired-token texts, which follow the messages that users
// of earlier and later releases have published.
package upstream
