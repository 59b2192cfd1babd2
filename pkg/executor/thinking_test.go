package executor

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/axiom-mcp/axiom-mcp/pkg/profile"
)

// thinkingInstance is an instance with only what thinkingLocked reads.
func thinkingInstance(t *testing.T) *Instance {
	t.Helper()
	prof, err := profile.Defaults().Lookup("claude")
	require.NoError(t, err)
	return &Instance{cfg: instanceConfig{Launch: launch{prof: prof}}}
}

func busyScreen(counter string) []string {
	return []string{"❯ make a.txt", "", "✻ Hullaballooing… " + counter, "",
		"  esc to interrupt · ← for agents"}
}

func TestThinkingWhenTokensRise(t *testing.T) {
	inst := thinkingInstance(t)
	inst.thinkingLocked(busyScreen("(3s · ↓ 10 tokens)"))
	assert.True(t, inst.thinkingLocked(busyScreen("(3s · ↓ 40 tokens)")))
}

func TestThinkingWhenTimerRisesBeforeTokens(t *testing.T) {
	inst := thinkingInstance(t)
	inst.thinkingLocked(busyScreen("(16s)"))
	assert.True(t, inst.thinkingLocked(busyScreen("(17s)")))
}

func TestStallIsNotThinking(t *testing.T) {
	inst := thinkingInstance(t)
	inst.thinkingLocked(busyScreen("(5s · ↓ 3 tokens)"))
	assert.False(t, inst.thinkingLocked(busyScreen("(6s · ↓ 3 tokens)")))
}

func TestAwaitingReplyIsThinking(t *testing.T) {
	inst := thinkingInstance(t)
	inst.thinkingLocked(busyScreen("(5s · ↑ 20 tokens)"))
	assert.True(t, inst.thinkingLocked(busyScreen("(6s · ↑ 20 tokens)")))
}

func TestRetryingLinePausesUntilTheRetry(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	u := retryingUpstream("✻ API error · Retrying in 16s · attempt 6/10", now)
	require.NotNil(t, u)
	assert.Equal(t, now.Add(17*time.Second), u.ResetAt)
	assert.Nil(t, retryingUpstream("✻ Hullaballooing… (16s · ↓ 3 tokens)", now))
}
