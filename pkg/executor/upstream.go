package executor

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/axiom-mcp/axiom-mcp/pkg/claudecode"
	"github.com/axiom-mcp/axiom-mcp/pkg/scoring"
	"github.com/axiom-mcp/axiom-mcp/pkg/upstream"
)

// scoringUpstream converts a classified upstream failure for the tracker.
// A wait the agent announced ("Retrying in 3s") becomes the reset time.
func scoringUpstream(e upstream.Error, now time.Time) *scoring.Upstream {
	u := &scoring.Upstream{Kind: scoring.UpstreamKind(e.Kind), Status: e.Status, ResetAt: e.ResetAt, Message: e.Message}
	if u.ResetAt.IsZero() && e.RetryAfter > 0 {
		u.ResetAt = now.Add(e.RetryAfter)
	}
	return u
}

// noteUpstreamLocked keeps the latest upstream failure for the next tick.
func (i *Instance) noteUpstreamLocked(u *scoring.Upstream) {
	if u != nil {
		i.view.upstream = u
		i.noteUpstreamSeenLocked(u, i.cfg.Now())
	}
}

// upstreamFromText classifies an error text from a transcript or a result.
func upstreamFromText(text string, now time.Time) *scoring.Upstream {
	if e, ok := upstream.Classify(text, now); ok {
		return scoringUpstream(e, now)
	}
	return nil
}

// upstreamFromRetry classifies an api_retry record of the output stream.
func upstreamFromRetry(r claudecode.APIRetry, now time.Time) *scoring.Upstream {
	e, ok := upstream.FromStatus(r.ErrorStatus, r.Error)
	if !ok {
		return nil
	}
	if e.RetryAfter == 0 {
		e.RetryAfter = r.RetryDelay
	}
	return scoringUpstream(e, now)
}

// takeUpstreamLocked returns the upstream failure seen since the last tick.
// One noted from the transcript or the output stream comes first. Else a
// screen line counts only if it was not on screen at the last tick, so an
// old error line does not pause the instance again.
func (i *Instance) takeUpstreamLocked(lines []string, now time.Time) *scoring.Upstream {
	if u := i.view.upstream; u != nil {
		i.view.upstream = nil
		return u
	}
	for _, line := range lines {
		if line == "" || slices.Contains(i.prevLines, line) {
			continue
		}
		if e, ok := upstream.Classify(line, now); ok {
			u := scoringUpstream(e, now)
			i.noteUpstreamSeenLocked(u, now)
			return u
		}
		if u := retryingUpstream(line, now); u != nil {
			return u
		}
	}
	return nil
}

// retryingPattern matches Claude Code's spinner while it waits to retry a
// failed request, such as "API error · Retrying in 16s · attempt 6/10".
var retryingPattern = regexp.MustCompile(`Retrying in (?:(\d+)m\s*)?(\d+)s\b`)

// retryingUpstream returns a pause until the announced retry for a line
// that shows the agent waiting to retry a request whose failure it does not
// name. The agent is not idle while it waits. The countdown rewrites the
// line every second, so the pause lasts as long as the agent keeps
// retrying.
func retryingUpstream(line string, now time.Time) *scoring.Upstream {
	m := retryingPattern.FindStringSubmatch(line)
	if m == nil {
		return nil
	}
	minutes, _ := strconv.Atoi(m[1])
	seconds, _ := strconv.Atoi(m[2])
	wait := time.Duration(minutes)*time.Minute + time.Duration(seconds)*time.Second
	return &scoring.Upstream{Kind: "retrying", ResetAt: now.Add(wait + time.Second), Message: strings.TrimSpace(line)}
}
