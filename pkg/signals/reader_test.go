package signals

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/axiom-mcp/axiom-mcp/pkg/proctree"
	"github.com/axiom-mcp/axiom-mcp/pkg/profile"
	"github.com/axiom-mcp/axiom-mcp/pkg/scoring"
)

var start = time.Date(2026, time.March, 1, 12, 0, 0, 0, time.UTC)

func claudeReader(t *testing.T) *Reader {
	t.Helper()
	prof, err := profile.Defaults().Lookup("claude")
	require.NoError(t, err)
	return NewReader(prof)
}

func busyScreen(counter string) []string {
	return []string{"❯ make a.txt", "", "✻ Hullaballooing… " + counter, "",
		"  esc to interrupt · ← for agents"}
}

// thinkingAfter reads first, then second a second later, and reports
// whether the second tick counts as thinking.
func thinkingAfter(t *testing.T, first, second string) bool {
	r := claudeReader(t)
	r.Read(Observation{At: start, Lines: busyScreen(first)})
	return r.Read(Observation{At: start.Add(time.Second), Lines: busyScreen(second)}).Sample.Thinking
}

func TestThinkingWhenTokensRise(t *testing.T) {
	assert.True(t, thinkingAfter(t, "(3s · ↓ 10 tokens)", "(3s · ↓ 40 tokens)"))
}

func TestThinkingWhenTimerRisesBeforeTokens(t *testing.T) {
	assert.True(t, thinkingAfter(t, "(16s)", "(17s)"))
}

func TestStallIsNotThinking(t *testing.T) {
	assert.False(t, thinkingAfter(t, "(5s · ↓ 3 tokens)", "(6s · ↓ 3 tokens)"))
}

func TestAwaitingReplyIsThinking(t *testing.T) {
	assert.True(t, thinkingAfter(t, "(5s · ↑ 20 tokens)", "(6s · ↑ 20 tokens)"))
}

func TestSpinnerTimerIsNoChangedLine(t *testing.T) {
	r := claudeReader(t)
	r.Read(Observation{At: start, Lines: busyScreen("(16s)")})
	got := r.Read(Observation{At: start.Add(time.Second), Lines: busyScreen("(17s)")})
	assert.Zero(t, got.Sample.ChangedLines)
}

func TestFileCountsBecomeDeltas(t *testing.T) {
	r := claudeReader(t)
	r.Read(Observation{At: start, Files: FileCounts{Created: 2, Modified: 1}})
	got := r.Read(Observation{At: start.Add(time.Second), Files: FileCounts{Created: 5, Modified: 1, Deleted: 1}})
	assert.Equal(t, [3]int{3, 0, 1}, [3]int{got.Sample.FilesCreated, got.Sample.FilesModified, got.Sample.FilesDeleted})
}

func TestCPUTicksBecomeTimeSinceLastTick(t *testing.T) {
	r := claudeReader(t)
	first := r.Read(Observation{At: start, CPUTicks: 1000})
	second := r.Read(Observation{At: start.Add(2 * time.Second), CPUTicks: 1000 + proctree.ClockTicks})
	assert.Zero(t, first.Sample.CPU)
	assert.Equal(t, time.Second, second.Sample.CPU)
	assert.Equal(t, 2*time.Second, second.Sample.Interval)
}

func TestNewErrorLineOnScreenPauses(t *testing.T) {
	r := claudeReader(t)
	lines := []string{"⎿  API Error: 429 rate_limit_error · Rate limited"}
	first := r.Read(Observation{At: start, Lines: lines})
	again := r.Read(Observation{At: start.Add(time.Second), Lines: lines})
	require.NotNil(t, first.Sample.Upstream)
	assert.Equal(t, scoring.UpstreamRateLimited, first.Sample.Upstream.Kind)
	assert.Same(t, first.Sample.Upstream, first.ScreenUpstream)
	assert.Nil(t, again.Sample.Upstream, "an error line already on screen pauses only once")
}

func TestRedrawnErrorLineNamesNoFailure(t *testing.T) {
	r := claudeReader(t)
	history := []string{"● API Error: 529 Overloaded. This is a server-side issue, usually temporary."}
	redrawn := r.Read(Observation{At: start, Lines: history, IgnoreScreenErrors: true})
	later := r.Read(Observation{At: start.Add(time.Second), Lines: append(history, "❯ Continue the task")})

	assert.Nil(t, redrawn.Sample.Upstream, "a redrawn error line is no new failure")
	assert.Nil(t, redrawn.ScreenUpstream)
	assert.Nil(t, later.Sample.Upstream, "the line stays old once the history is no longer ignored")
}

func TestReportedUpstreamComesFirst(t *testing.T) {
	r := claudeReader(t)
	reported := &scoring.Upstream{Kind: scoring.UpstreamOverloaded, Status: 529}
	got := r.Read(Observation{At: start, Upstream: reported,
		Lines: []string{"API Error: 429 rate_limit_error"}})
	assert.Same(t, reported, got.Sample.Upstream)
	assert.Nil(t, got.ScreenUpstream)
}

func TestRetryingLinePausesUntilTheRetry(t *testing.T) {
	u := Retrying("✻ API error · Retrying in 16s · attempt 6/10", start)
	require.NotNil(t, u)
	assert.Equal(t, start.Add(17*time.Second), u.ResetAt)
	assert.Nil(t, Retrying("✻ Hullaballooing… (16s · ↓ 3 tokens)", start))
}

func TestRetryingLineNamesNoFailure(t *testing.T) {
	r := claudeReader(t)
	got := r.Read(Observation{At: start, Lines: []string{"✻ API error · Retrying in 4s · attempt 2/10"}})
	require.NotNil(t, got.Sample.Upstream)
	assert.Equal(t, UpstreamRetrying, got.Sample.Upstream.Kind)
	assert.Nil(t, got.ScreenUpstream)
}
