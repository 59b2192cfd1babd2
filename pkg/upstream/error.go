package upstream

import (
	"fmt"
	"time"
)

// Kind is the class of an upstream failure.
type Kind string

// Kinds that Classify and FromStatus return.
const (
	// RateLimited is an HTTP 429 from the API, sent for too many requests or
	// tokens in a short window.
	RateLimited Kind = "rate_limited"
	// Overloaded is an HTTP 529, sent when the API is at capacity for all
	// clients.
	Overloaded Kind = "overloaded"
	// AuthFailed is an HTTP 401 or 403, or a text saying that the
	// credentials are missing, invalid or expired. No retry helps until they
	// are replaced.
	AuthFailed Kind = "auth_failed"
	// UsageLimit is the subscription's usage allowance being spent. It
	// lasts until ResetAt.
	UsageLimit Kind = "usage_limit"
	// PromptTooLong is a request larger than the model's context window.
	PromptTooLong Kind = "prompt_too_long"
	// Connection is a failure to reach the API at all.
	Connection Kind = "connection"
)

// Error is one upstream failure found in an agent's output.
type Error struct {
	// Kind is the class of the failure.
	Kind Kind
	// Status is the HTTP status that the text or record gives, or 0 when it
	// gives none.
	Status int
	// ResetAt is when a usage limit ends, or the zero time when the text
	// gives no reset time or names a time zone that is not known here.
	ResetAt time.Time
	// RetryAfter is the wait before the agent's next retry, from a
	// "Retrying in 3s" text, or 0 when the text gives none.
	RetryAfter time.Duration
	// Message is the line that shows the failure, without the agent's
	// leading bullet or spinner glyph.
	Message string
}

// Error formats the failure as "upstream KIND (status N): MESSAGE", so that
// an Error can be returned and wrapped as a Go error.
func (e Error) Error() string {
	if e.Status == 0 {
		return fmt.Sprintf("upstream %s: %s", e.Kind, e.Message)
	}
	return fmt.Sprintf("upstream %s (status %d): %s", e.Kind, e.Status, e.Message)
}
