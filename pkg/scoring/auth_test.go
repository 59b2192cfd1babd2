package scoring

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// expiredToken is the error of an agent whose OAuth token has expired.
func expiredToken() *Upstream {
	return &Upstream{Kind: UpstreamAuthFailed, Status: 401, Message: "OAuth token has expired"}
}

// rejectedEvery returns a script that reports rejected credentials every
// period seconds from second first on.
func rejectedEvery(first, period int) script {
	return func(n int) Sample {
		if n >= first && (n-first)%period == 0 {
			return Sample{ChangedLines: 1, Upstream: expiredToken()}
		}
		return Sample{}
	}
}

func TestRejectedCredentialsKilledAfterAuthStop(t *testing.T) {
	results := simulate(NewTracker(Thresholds{}, start), 200, rejectedEvery(10, 10))

	assert.Equal(t, PausedUpstream, results[69].Verdict, results[69].Reason)
	second, verdict := firstKill(results)
	assert.Equal(t, KillUpstream, verdict)
	assert.Equal(t, 70, second, "60 s after the first rejection at 10 s")
}

func TestKillUpstreamReasonNamesError(t *testing.T) {
	results := simulate(NewTracker(Thresholds{}, start), 70, rejectedEvery(10, 10))
	res := results[70]

	require.Equal(t, KillUpstream, res.Verdict)
	assert.Equal(t, SignalUpstream, res.Signal)
	assert.Contains(t, res.Reason, "rejected the credentials for 1m0s")
	assert.Contains(t, res.Reason, "auth_failed")
	assert.Contains(t, res.Reason, "HTTP 401")
	assert.Contains(t, res.Reason, `"OAuth token has expired"`)
	assert.Contains(t, res.Reason, "auth_stop_after 1m0s")
	require.NotNil(t, res.Upstream)
	assert.Equal(t, UpstreamAuthFailed, res.Upstream.Kind)
}

func TestAuthStopAfterSetting(t *testing.T) {
	th := Thresholds{AuthStopAfter: 25 * time.Second}
	results := simulate(NewTracker(th, start), 100, rejectedEvery(10, 10))

	second, verdict := firstKill(results)
	assert.Equal(t, KillUpstream, verdict)
	assert.Equal(t, 35, second)
}

func TestLapsedAuthPauseRestartsStretch(t *testing.T) {
	// Each rejection pauses for 20 s, and they come 30 s apart, so every
	// pause runs out before the next rejection.
	th := Thresholds{UpstreamPause: 20 * time.Second, AuthStopAfter: 15 * time.Second, IdleTimeout: time.Hour}
	results := simulate(NewTracker(th, start), 100, rejectedEvery(10, 30))

	second, verdict := firstKill(results)
	assert.Equal(t, KillUpstream, verdict)
	assert.Equal(t, 25, second, "15 s into the first pause")

	th.AuthStopAfter = 25 * time.Second
	results = simulate(NewTracker(th, start), 100, rejectedEvery(10, 30))
	_, verdict = firstKill(results)
	assert.Equal(t, Keep, verdict, "no pause lasted 25 s")
}

func TestOtherUpstreamErrorEndsAuthStretch(t *testing.T) {
	results := simulate(NewTracker(Thresholds{}, start), 150, func(n int) Sample {
		switch {
		case n == 40:
			return Sample{Upstream: &Upstream{Kind: UpstreamOverloaded, Status: 529}}
		case n >= 10 && n%10 == 0:
			return Sample{Upstream: expiredToken()}
		}
		return Sample{}
	})

	assert.Equal(t, PausedUpstream, results[70].Verdict, "the 529 at 40 s restarted the stretch")
	second, verdict := firstKill(results)
	assert.Equal(t, KillUpstream, verdict)
	assert.Equal(t, 110, second, "60 s after the rejection at 50 s")
}

func TestWorkEndsAuthStretch(t *testing.T) {
	results := simulate(NewTracker(Thresholds{}, start), 150, func(n int) Sample {
		sample := rejectedEvery(10, 10)(n)
		if n == 45 {
			sample = Sample{Tools: map[ToolKind]int{ToolCode: 1}}
		}
		return sample
	})

	assert.Equal(t, PausedUpstream, results[70].Verdict, "the tool call at 45 s ended the stretch")
	second, verdict := firstKill(results)
	assert.Equal(t, KillUpstream, verdict)
	assert.Equal(t, 110, second, "60 s after the rejection at 50 s")
}

func TestRateLimitIsNeverKilledAsUpstream(t *testing.T) {
	results := simulate(NewTracker(Thresholds{}, start), 300, func(n int) Sample {
		if n%10 == 0 {
			return Sample{Upstream: &Upstream{Kind: UpstreamRateLimited, Status: 429}}
		}
		return Sample{}
	})

	_, verdict := firstKill(results)
	assert.Equal(t, Keep, verdict)
	assert.Equal(t, PausedUpstream, results[300].Verdict)
}

func TestGraceDelaysKillUpstream(t *testing.T) {
	results := simulate(NewTracker(Thresholds{}, start), 100, func(n int) Sample {
		sample := rejectedEvery(10, 10)(n)
		sample.Input = n == 60
		return sample
	})

	assert.Equal(t, Warn, results[70].Verdict, results[70].Reason)
	second, verdict := firstKill(results)
	assert.Equal(t, KillUpstream, verdict)
	assert.Equal(t, 90, second, "when the grace of 30 s after the input at 60 s ends")
}
