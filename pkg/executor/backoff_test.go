package executor

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/axiom-mcp/axiom-mcp/pkg/scoring"
)

func TestCLI06OverloadedResumesSession(t *testing.T) {
	t.Parallel()
	pool := startPool(t, Options{MaxAttempts: 1})
	task := submitOne(t, pool, TaskSpec{Prompt: "upstream-once:529"})

	final := waitTask(t, pool, task.ID, 30*time.Second)
	assert.Equal(t, "succeeded", final.State, final.LastError)
	assert.Equal(t, 1, final.Attempts, "the overloaded attempt was not counted")
	assert.Equal(t, 1, final.UpstreamRetries)
	assert.Len(t, instancesOf(t, pool, task.ID), 2)
}

func TestRateLimitPausesEveryStart(t *testing.T) {
	t.Parallel()
	pool := startPool(t, Options{MaxAttempts: 1})
	task := submitOne(t, pool, TaskSpec{Prompt: "upstream-once:429"})

	var paused string
	require.Eventually(t, func() bool {
		st, err := pool.Status(Filter{})
		require.NoError(t, err)
		paused = st.Pool.StartsPaused
		return paused != ""
	}, 20*time.Second, 20*time.Millisecond, "starts were not paused")
	assert.Contains(t, paused, "rate")

	final := waitTask(t, pool, task.ID, 30*time.Second)
	assert.Equal(t, "succeeded", final.State, final.LastError)
}

func TestPromptTooLongFailsWithoutRetry(t *testing.T) {
	t.Parallel()
	pool := startPool(t, Options{MaxAttempts: 3})
	task := submitOne(t, pool, TaskSpec{Prompt: "upstream-once:toolong"})

	final := waitTask(t, pool, task.ID, 20*time.Second)
	assert.Equal(t, "failed", final.State)
	assert.Contains(t, final.LastError, "too long")
	assert.Len(t, instancesOf(t, pool, task.ID), 1, "a retry cannot help")
}

func TestCLI08AuthFailureOpensBreaker(t *testing.T) {
	t.Parallel()
	pool := startPool(t, Options{MaxAttempts: 1})
	task := submitOne(t, pool, TaskSpec{Prompt: "upstream-once:401"})

	var st Status
	require.Eventually(t, func() bool {
		var err error
		st, err = pool.Status(Filter{TaskID: task.ID})
		require.NoError(t, err)
		return st.Pool.StartsPaused != ""
	}, 20*time.Second, 20*time.Millisecond, "starts were not paused")
	assert.Contains(t, st.Pool.StartsPaused, "rejected the credentials")
	require.Len(t, st.Tasks, 1)
	assert.Equal(t, "queued", st.Tasks[0].State)
	require.NotNil(t, st.Tasks[0].NotBefore)
	assert.Equal(t, 0, st.Tasks[0].Attempts, "the rejected attempt was not counted")
}

func TestRejectedCredentialsKillSpendsNoAttempt(t *testing.T) {
	t.Parallel()
	pool := startPool(t, Options{MaxAttempts: 1, Thresholds: scoring.Thresholds{AuthStopAfter: 2 * time.Second}})
	events, stop := pool.Subscribe(500)
	defer stop()
	task := submitOne(t, pool, TaskSpec{Prompt: "upstream-loop:401"})

	var st Status
	require.Eventually(t, func() bool {
		var err error
		st, err = pool.Status(Filter{TaskID: task.ID})
		require.NoError(t, err)
		return len(st.Instances) == 1 && st.Instances[0].EndedAt != nil && st.Tasks[0].State != "running"
	}, 20*time.Second, 20*time.Millisecond, "the instance was not killed")
	killed := st.Instances[0]
	assert.True(t, strings.HasPrefix(killed.KillReason, "kill-upstream: "), killed.KillReason)
	assert.Contains(t, killed.KillReason, "auth_failed")

	require.Len(t, st.Tasks, 1)
	assert.Equal(t, "queued", st.Tasks[0].State, st.Tasks[0].LastError)
	assert.Equal(t, 0, st.Tasks[0].Attempts, "the killed attempt was not counted")
	assert.Equal(t, 1, st.Tasks[0].UpstreamRetries)
	assert.Contains(t, st.Pool.StartsPaused, "rejected the credentials")

	var killEvent string
	for len(events) > 0 {
		if ev := <-events; ev.Kind == EventInstanceKilled {
			killEvent = ev.Message
		}
	}
	assert.Contains(t, killEvent, "killed on a model API failure (auth_failed): kill-upstream: ")
}

func TestUpstreamDelayHonoursResetTime(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	u := &scoring.Upstream{Kind: scoring.UpstreamUsageLimit, ResetAt: now.Add(90 * time.Second)}
	delay := upstreamDelay(u, 1, now)
	assert.GreaterOrEqual(t, delay, 90*time.Second)
	assert.LessOrEqual(t, delay, 108*time.Second, "at most 20% of jitter")
}

func TestUpstreamDelayDoublesWithoutResetTime(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	u := &scoring.Upstream{Kind: scoring.UpstreamOverloaded}
	assert.GreaterOrEqual(t, upstreamDelay(u, 3, now), 8*time.Second)
	assert.LessOrEqual(t, upstreamDelay(u, 20, now), backoffMax+backoffMax/5)
}

func TestWarningPrecedesIdleKill(t *testing.T) {
	t.Parallel()
	pool := startPool(t, Options{Thresholds: scoring.Thresholds{IdleTimeout: 2 * time.Second}, MaxAttempts: 1})
	events, stop := pool.Subscribe(200)
	defer stop()
	task := submitOne(t, pool, TaskSpec{Prompt: "silent"})
	waitTask(t, pool, task.ID, 20*time.Second)

	warnAt, killAt := -1, -1
	for n := 0; len(events) > 0; n++ {
		ev := <-events
		switch {
		case ev.Kind == EventWarning && warnAt < 0 && len(ev.Message) > 5 && ev.Message[:5] == "warn:":
			warnAt = n
			assert.NotEmpty(t, ev.Parts, "the warning carries the score parts")
		case ev.Kind == EventInstanceKilled:
			killAt = n
		}
	}
	require.GreaterOrEqual(t, warnAt, 0, "a warn verdict was published")
	assert.Less(t, warnAt, killAt, "the warning came before the kill")
}

func TestStartPauseForRunningInstances(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	paused := func(kind scoring.UpstreamKind, reset time.Duration) scoring.Result {
		return scoring.Result{Verdict: scoring.PausedUpstream,
			Upstream: &scoring.Upstream{Kind: kind, ResetAt: now.Add(reset)}}
	}
	until, reason := startPauseFor([]scoring.Result{paused(scoring.UpstreamRateLimited, 30*time.Second)}, now, time.Minute)
	assert.Equal(t, now.Add(30*time.Second), until)
	assert.Contains(t, reason, "rate or usage limit")

	until, _ = startPauseFor([]scoring.Result{paused("retrying", 9*time.Second)}, now, time.Minute)
	assert.True(t, until.IsZero(), "one instance retrying alone does not hold the pool")

	until, reason = startPauseFor([]scoring.Result{paused("retrying", 9*time.Second),
		paused(scoring.UpstreamOverloaded, 0)}, now, 5*time.Second)
	assert.Equal(t, now.Add(9*time.Second), until, "the latest reset time")
	assert.Contains(t, reason, "2 running instances")
}
