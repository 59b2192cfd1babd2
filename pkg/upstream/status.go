package upstream

import (
	"regexp"
	"strings"
)

// promptTooLongPattern matches the API's message for a request over the
// context window ("prompt is too long: 210000 tokens > 200000 maximum") and
// Claude Code's rewording of it ("Prompt is too long · the request is ...").
var promptTooLongPattern = regexp.MustCompile(`(?i)prompt is too long`)

// FromStatus classifies an HTTP status from the model API, such as the
// error_status of a stream-json api_retry record or the api_error_status of
// a result, with the error message when there is one. It recognises 429,
// 529, 401, 403, 413, and 400 with "prompt is too long" in message, and
// returns false for any other status.
//
// A 429 whose message is a usage-limit text is UsageLimit. Its ResetAt is
// set only from an epoch reset time ("...|1767225600"), because a clock time
// needs the current time: use Classify on the message for that.
func FromStatus(status int, message string) (Error, bool) {
	message = strings.TrimSpace(message)
	kind, ok := statusKind(status, message)
	if !ok {
		return Error{}, false
	}
	e := Error{Kind: kind, Status: status, Message: message}
	if kind == RateLimited && usageLimitPattern.MatchString(message) {
		e.Kind = UsageLimit
		e.ResetAt = epochReset(message)
	}
	return e, true
}

func statusKind(status int, message string) (Kind, bool) {
	switch status {
	case 429:
		return RateLimited, true
	case 529:
		return Overloaded, true
	case 401, 403:
		return AuthFailed, true
	case 413:
		return PromptTooLong, true
	case 400:
		if promptTooLongPattern.MatchString(message) {
			return PromptTooLong, true
		}
	}
	return "", false
}
