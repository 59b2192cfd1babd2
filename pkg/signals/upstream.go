package signals

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/axiom-mcp/axiom-mcp/pkg/claudecode"
	"github.com/axiom-mcp/axiom-mcp/pkg/scoring"
	"github.com/axiom-mcp/axiom-mcp/pkg/upstream"
)

// FromError converts a classified failure of the model API for the scoring
// tracker. A wait the agent announced ("Retrying in 3s") becomes the reset
// time.
func FromError(e upstream.Error, now time.Time) *scoring.Upstream {
	u := &scoring.Upstream{Kind: scoring.UpstreamKind(e.Kind), Status: e.Status, ResetAt: e.ResetAt, Message: e.Message}
	if u.ResetAt.IsZero() && e.RetryAfter > 0 {
		u.ResetAt = now.Add(e.RetryAfter)
	}
	return u
}

// FromText classifies an error text from a transcript or a result, and
// returns nil for a text that names no failure of the model API.
func FromText(text string, now time.Time) *scoring.Upstream {
	if e, ok := upstream.Classify(text, now); ok {
		return FromError(e, now)
	}
	return nil
}

// FromRetry classifies an api_retry record of Claude Code's output stream.
func FromRetry(r claudecode.APIRetry, now time.Time) *scoring.Upstream {
	e, ok := upstream.FromStatus(r.ErrorStatus, r.Error)
	if !ok {
		return nil
	}
	if e.RetryAfter == 0 {
		e.RetryAfter = r.RetryDelay
	}
	return FromError(e, now)
}

// UpstreamRetrying is the kind of the pause for an agent that waits to retry
// a request whose failure it does not name.
const UpstreamRetrying scoring.UpstreamKind = "retrying"

// retryingPattern matches Claude Code's spinner while it waits to retry a
// failed request, such as "API error · Retrying in 16s · attempt 6/10".
var retryingPattern = regexp.MustCompile(`Retrying in (?:(\d+)m\s*)?(\d+)s\b`)

// Retrying returns a pause until the announced retry for a line that shows
// the agent waiting to retry a request, or nil for any other line. The
// agent is not idle while it waits. The countdown rewrites the line every
// second, so the pause lasts as long as the agent keeps retrying.
func Retrying(line string, now time.Time) *scoring.Upstream {
	m := retryingPattern.FindStringSubmatch(line)
	if m == nil {
		return nil
	}
	minutes, _ := strconv.Atoi(m[1])
	seconds, _ := strconv.Atoi(m[2])
	wait := time.Duration(minutes)*time.Minute + time.Duration(seconds)*time.Second
	return &scoring.Upstream{Kind: UpstreamRetrying, ResetAt: now.Add(wait + time.Second), Message: strings.TrimSpace(line)}
}
