package scoring

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// coder writes a file with a code tool and 4 lines every 5 s and thinks in
// between.
func coder(n int) Sample {
	if n%5 == 0 {
		return Sample{ChangedLines: 4, FilesModified: 1, Tools: map[ToolKind]int{ToolCode: 1}}
	}
	return Sample{Thinking: true}
}

func thinker(int) Sample { return Sample{Thinking: true, State: StateWorking} }

// researcher reads a file every 3 s and prints 2 lines about it.
func researcher(n int) Sample {
	if n%3 == 0 {
		return Sample{ChangedLines: 2, Tools: map[ToolKind]int{ToolResearch: 1}}
	}
	return Sample{Thinking: true}
}

// planner rewrites its to-do list every 5 s.
func planner(n int) Sample {
	if n%5 == 0 {
		return Sample{ChangedLines: 3, Tools: map[ToolKind]int{ToolPlanning: 1}}
	}
	return Sample{Thinking: true}
}

func chatty(int) Sample { return Sample{ChangedLines: 5} }

// asker works for 4 s, then waits for an answer from second 5 on.
func asker(n int) Sample {
	if n < 5 {
		return Sample{State: StateWorking, Thinking: true}
	}
	return Sample{State: StateWaitingInput}
}

func TestTrackerFirstKill(t *testing.T) {
	tests := []struct {
		name        string
		script      script
		wantSecond  int
		wantVerdict Verdict
	}{
		{"steady coder kept", coder, 0, Keep},
		{"silent agent idle", quiet, 30, KillIdle},
		{"thinker unproductive", thinker, 121, KillUnproductive},
		{"research loop unproductive", researcher, 138, KillUnproductive},
		{"todo writer unproductive", planner, 135, KillUnproductive},
		{"chatty agent unproductive", chatty, 122, KillUnproductive},
		{"waiting agent no answer", asker, 125, KillNoAnswer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			results := simulate(NewTracker(Thresholds{}, start), 600, tt.script)
			second, verdict := firstKill(results)
			assert.Equal(t, tt.wantVerdict, verdict)
			assert.Equal(t, tt.wantSecond, second)
		})
	}
}

func TestSteadyCoderScoresHigh(t *testing.T) {
	results := simulate(NewTracker(Thresholds{}, start), 600, coder)
	for n := 60; n <= 600; n++ {
		require.Equal(t, Keep, results[n].Verdict, "second %d: %s", n, results[n].Reason)
		require.GreaterOrEqual(t, results[n].Score, 80, "second %d", n)
	}
	assert.Equal(t, time.Duration(0), results[600].IdleFor)
}

func TestThinkerNeverIdle(t *testing.T) {
	results := simulate(NewTracker(Thresholds{}, start), 121, thinker)
	for n := 1; n <= 121; n++ {
		require.Equal(t, time.Duration(0), results[n].IdleFor, "second %d", n)
	}
	assert.Equal(t, 0, results[60].Score, "thinking earns no points")
	assert.Equal(t, Warn, results[120].Verdict)
	assert.Equal(t, SignalScore, results[120].Signal)

	kill := results[121]
	assert.Equal(t, KillUnproductive, kill.Verdict)
	assert.Equal(t, 2*time.Minute, kill.LowFor)
	assert.Contains(t, kill.Reason, "score 0 stayed under 20 for 2m0s (unproductive limit 2m0s)")
	assert.Contains(t, kill.Reason, "the model was thinking 0s ago")
}

// build starts with a Bash call at second 1 and then burns 0.9 s of CPU a
// second with no output.
func build(n int) Sample {
	if n == 1 {
		return Sample{ChangedLines: 1, Tools: map[ToolKind]int{ToolRun: 1}}
	}
	return Sample{CPU: 900 * time.Millisecond, Interval: time.Second}
}

func TestBuildKeptPastIdleTimeout(t *testing.T) {
	results := simulate(NewTracker(Thresholds{}, start), 200, build)

	res := results[45]
	assert.Equal(t, Keep, res.Verdict, res.Reason)
	assert.Equal(t, time.Duration(0), res.IdleFor)
	assert.Equal(t, 10, part(t, res, "cpu").Points)
	assert.Equal(t, 5, part(t, res, "tools").Points)
	assert.Equal(t, 0, part(t, res, "recency").Points)
}

func TestLongSilentBuildIsNeverKilled(t *testing.T) {
	// CPU alone earns at most 10 of the 20 points needed, but time in which
	// the process tree keeps a core busy does not count as unproductive.
	results := simulate(NewTracker(Thresholds{}, start), 600, build)
	second, verdict := firstKill(results)
	assert.Equal(t, 0, second, "first kill was %s", verdict)
	assert.Equal(t, Keep, results[599].Verdict, results[599].Reason)
}

func TestBuildThatStopsEndsUnproductive(t *testing.T) {
	// After the build, the agent only prints a line now and then, so the
	// low-score clock runs again.
	results := simulate(NewTracker(Thresholds{}, start), 400, func(n int) Sample {
		if n <= 100 {
			return build(n)
		}
		if n%5 == 0 {
			return Sample{ChangedLines: 1}
		}
		return Sample{}
	})
	second, verdict := firstKill(results)
	assert.Equal(t, KillUnproductive, verdict)
	assert.Equal(t, 220, second, "UnproductiveFor (2m) after the build ended at 100 s")
}

func TestSameBuildWithoutCPUIdle(t *testing.T) {
	results := simulate(NewTracker(Thresholds{}, start), 60, func(n int) Sample {
		sample := build(n)
		sample.CPU = 20 * time.Millisecond
		return sample
	})
	second, verdict := firstKill(results)
	assert.Equal(t, KillIdle, verdict)
	assert.Equal(t, 31, second)
}

func TestWaitingNeverIdle(t *testing.T) {
	results := simulate(NewTracker(Thresholds{}, start), 125, asker)

	res := results[100]
	assert.Equal(t, NeedsInput, res.Verdict)
	assert.Equal(t, SignalWaiting, res.Signal)
	assert.Equal(t, 95*time.Second, res.WaitingFor)
	assert.Equal(t, time.Duration(0), res.IdleFor, "the idle clock stops while waiting")
	assert.Equal(t, 4*time.Second, res.LowFor, "the low-score clock stopped when the wait began")

	kill := results[125]
	assert.Equal(t, KillNoAnswer, kill.Verdict)
	assert.Equal(t, 2*time.Minute, kill.WaitingFor)
	assert.Contains(t, kill.Reason, "waited 2m0s for an answer in screen state waiting_input (input timeout 2m0s)")
}

func TestAnswerRestartsIdleClock(t *testing.T) {
	results := simulate(NewTracker(Thresholds{}, start), 140, func(n int) Sample {
		switch {
		case n < 5:
			return Sample{State: StateWorking}
		case n < 100:
			return Sample{State: StateDialog}
		default:
			return Sample{State: StateWorking}
		}
	})
	assert.Equal(t, time.Duration(0), results[100].WaitingFor)
	assert.Equal(t, 29*time.Second, results[129].IdleFor)
	second, verdict := firstKill(results)
	assert.Equal(t, KillIdle, verdict)
	assert.Equal(t, 130, second)
}

func TestWaitingSpansBothWaitingStates(t *testing.T) {
	tr := NewTracker(Thresholds{}, start)
	tr.Observe(Sample{At: sec(1), State: StateDialog})
	tr.Observe(Sample{At: sec(60), State: StateWaitingInput})
	res := tr.Evaluate(sec(121))
	assert.Equal(t, KillNoAnswer, res.Verdict)
	assert.Equal(t, 2*time.Minute, res.WaitingFor)
}

func TestUnknownStateKeepsWaiting(t *testing.T) {
	tr := NewTracker(Thresholds{}, start)
	tr.Observe(Sample{At: sec(1), State: StateWaitingInput})
	tr.Observe(Sample{At: sec(50), ChangedLines: 1})
	res := tr.Evaluate(sec(50))
	assert.Equal(t, NeedsInput, res.Verdict)
	assert.Equal(t, 49*time.Second, res.WaitingFor)
}

func TestUpstreamPauseUntilResetAt(t *testing.T) {
	reset := sec(310)
	results := simulate(NewTracker(Thresholds{}, start), 400, func(n int) Sample {
		if n == 10 {
			return Sample{Upstream: &Upstream{Kind: UpstreamUsageLimit, ResetAt: reset, Message: "usage limit reached"}}
		}
		return Sample{}
	})

	res := results[300]
	assert.Equal(t, PausedUpstream, res.Verdict)
	assert.Equal(t, SignalUpstream, res.Signal)
	require.NotNil(t, res.Upstream)
	assert.Equal(t, UpstreamUsageLimit, res.Upstream.Kind)
	assert.Equal(t, 10*time.Second, res.IdleFor, "the idle clock stopped at the error")
	assert.Contains(t, res.Reason, "usage_limit")
	assert.Contains(t, res.Reason, "the reset time of the error")

	assert.Equal(t, Keep, results[310].Verdict, results[310].Reason)
	assert.Nil(t, results[310].Upstream)
	assert.Equal(t, 10*time.Second, results[310].IdleFor)
	second, verdict := firstKill(results)
	assert.Equal(t, KillIdle, verdict)
	assert.Equal(t, 330, second)
}

func TestUpstreamPauseWithoutResetAt(t *testing.T) {
	results := simulate(NewTracker(Thresholds{}, start), 200, func(n int) Sample {
		if n == 10 {
			return Sample{Upstream: &Upstream{Kind: UpstreamRateLimited, Status: 429}}
		}
		return Sample{}
	})

	assert.Equal(t, PausedUpstream, results[69].Verdict)
	assert.Contains(t, results[69].Reason, "HTTP 429")
	assert.Contains(t, results[69].Reason, "the upstream pause 1m0s")
	assert.Equal(t, Keep, results[70].Verdict)
	second, verdict := firstKill(results)
	assert.Equal(t, KillIdle, verdict)
	assert.Equal(t, 90, second)
}

func TestUpstreamPauseStopsLowClock(t *testing.T) {
	results := simulate(NewTracker(Thresholds{}, start), 300, func(n int) Sample {
		sample := thinker(n)
		if n == 60 {
			sample.Upstream = &Upstream{Kind: UpstreamOverloaded, Status: 529}
		}
		return sample
	})
	assert.Equal(t, 59*time.Second, results[60].LowFor)
	assert.Equal(t, 59*time.Second, results[119].LowFor)
	second, verdict := firstKill(results)
	assert.Equal(t, KillUnproductive, verdict)
	assert.Equal(t, 181, second, "121 s plus the 60 s pause")
}

func TestUpstreamPauseEndsOnToolCall(t *testing.T) {
	results := simulate(NewTracker(Thresholds{}, start), 30, func(n int) Sample {
		switch n {
		case 10:
			return Sample{Upstream: &Upstream{Kind: UpstreamOverloaded, Status: 529}}
		case 20:
			return Sample{Tools: map[ToolKind]int{ToolCode: 1}}
		}
		return Sample{}
	})
	assert.Equal(t, PausedUpstream, results[19].Verdict)
	assert.Equal(t, Keep, results[20].Verdict)
	assert.Equal(t, 10*time.Second, results[30].IdleFor)
}

func TestUpstreamPastResetAtUsesPause(t *testing.T) {
	tr := NewTracker(Thresholds{}, start)
	tr.Observe(Sample{At: sec(10), Upstream: &Upstream{Kind: UpstreamUsageLimit, ResetAt: sec(5)}})
	assert.Equal(t, PausedUpstream, tr.Evaluate(sec(69)).Verdict)
	assert.NotEqual(t, PausedUpstream, tr.Evaluate(sec(70)).Verdict)
}

func TestPauseComesBeforeWaiting(t *testing.T) {
	tr := NewTracker(Thresholds{}, start)
	tr.Observe(Sample{At: sec(1), State: StateWaitingInput, Upstream: &Upstream{Kind: UpstreamAuthFailed, Status: 401}})
	assert.Equal(t, PausedUpstream, tr.Evaluate(sec(30)).Verdict)
	assert.Equal(t, NeedsInput, tr.Evaluate(sec(61)).Verdict)
}

func TestInterventionGraceDelaysIdleKill(t *testing.T) {
	th := Thresholds{IdleTimeout: 10 * time.Second}
	results := simulate(NewTracker(th, start), 60, func(n int) Sample {
		return Sample{Input: n == 5}
	})

	res := results[15]
	assert.Equal(t, Warn, res.Verdict)
	assert.Equal(t, SignalIntervention, res.Signal)
	assert.Contains(t, res.Reason, "would be killed as idle, but a client typed 10s ago; grace 30s: ")
	assert.Contains(t, res.Reason, "no activity for 10s (idle timeout 10s)")
	assert.Empty(t, res.Grace)
	assert.Equal(t, Warn, results[34].Verdict)
	second, verdict := firstKill(results)
	assert.Equal(t, KillIdle, verdict)
	assert.Equal(t, 35, second)
	assert.Equal(t, "the intervention grace 30s after a client typed 30s ago held this kill back for 20s", results[35].Grace)
}

func TestInterventionGraceDelaysUnproductiveKill(t *testing.T) {
	results := simulate(NewTracker(Thresholds{}, start), 200, func(n int) Sample {
		sample := thinker(n)
		sample.Input = n == 118
		return sample
	})
	assert.Equal(t, Warn, results[121].Verdict)
	assert.Equal(t, SignalIntervention, results[121].Signal)
	second, verdict := firstKill(results)
	assert.Equal(t, KillUnproductive, verdict)
	assert.Equal(t, 148, second)
}

func TestInterventionGraceDelaysNoAnswerKill(t *testing.T) {
	results := simulate(NewTracker(Thresholds{}, start), 200, func(n int) Sample {
		sample := asker(n)
		sample.Input = n == 120
		return sample
	})
	assert.Equal(t, Warn, results[125].Verdict)
	second, verdict := firstKill(results)
	assert.Equal(t, KillNoAnswer, verdict)
	assert.Equal(t, 150, second)
}

func TestResearchLoopPenalised(t *testing.T) {
	results := simulate(NewTracker(Thresholds{}, start), 60, researcher)

	assert.False(t, hasPart(results[17], "research-penalty"), "5 reads are under the limit")
	res := results[60]
	penalty := part(t, res, "research-penalty")
	assert.Equal(t, -15, penalty.Points)
	assert.Equal(t, 0, penalty.Max)
	assert.Contains(t, penalty.Reason, "20 research tool calls in the last 1m0s (limit 6)")
	assert.Equal(t, 0, part(t, res, "tools").Points, "research earns nothing under the penalty")
	assert.Equal(t, 5, part(t, res, "output").Points)
	assert.Less(t, res.Score, 20)
}

func TestResearchWithCodeNotPenalised(t *testing.T) {
	results := simulate(NewTracker(Thresholds{}, start), 60, func(n int) Sample {
		sample := researcher(n)
		if n == 50 {
			sample.Tools = map[ToolKind]int{ToolCode: 1}
		}
		return sample
	})
	assert.False(t, hasPart(results[60], "research-penalty"))
	assert.Equal(t, 20, part(t, results[60], "tools").Points)
}

func TestTodoWriterPenalised(t *testing.T) {
	results := simulate(NewTracker(Thresholds{}, start), 60, planner)

	assert.False(t, hasPart(results[14], "planning-penalty"), "2 calls are under the limit")
	res := results[60]
	penalty := part(t, res, "planning-penalty")
	assert.Equal(t, -15, penalty.Points)
	assert.Contains(t, penalty.Reason, "12 planning tool calls in the last 1m0s (limit 3)")
	assert.Equal(t, 0, part(t, res, "tools").Points)
	assert.Less(t, res.Score, 20)
}

func TestUnproductiveReasonListsParts(t *testing.T) {
	results := simulate(NewTracker(Thresholds{}, start), 138, researcher)
	assert.Contains(t, results[138].Reason, "parts: output 5/20, recency 15/15, research-penalty -15")
}

func TestChattyOutputCapped(t *testing.T) {
	results := simulate(NewTracker(Thresholds{}, start), 60, chatty)

	res := results[60]
	output := part(t, res, "output")
	assert.Equal(t, 5, output.Points, "OutputMax/4 without a file or code tool")
	assert.Contains(t, output.Reason, "at most 5 without a file event or a code tool call")
	assert.Equal(t, 5, res.Score)
}

func TestChattyOutputWithFileUncapped(t *testing.T) {
	results := simulate(NewTracker(Thresholds{}, start), 60, func(n int) Sample {
		sample := chatty(n)
		sample.FilesCreated = boolCount(n == 30)
		return sample
	})
	assert.Equal(t, 20, part(t, results[60], "output").Points)
}

func boolCount(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestTurnFinishedDone(t *testing.T) {
	results := simulate(NewTracker(Thresholds{}, start), 300, func(n int) Sample {
		if n < 10 {
			return coder(n)
		}
		return Sample{State: StateTurnFinished}
	})
	res := results[300]
	assert.Equal(t, Done, res.Verdict)
	assert.Equal(t, SignalDone, res.Signal)
	assert.Contains(t, res.Reason, "turn_finished")
	second, _ := firstKill(results)
	assert.Equal(t, 0, second, "a finished agent is never killed")
}

func TestDoneComesBeforePause(t *testing.T) {
	tr := NewTracker(Thresholds{}, start)
	tr.Observe(Sample{At: sec(1), State: StateTurnFinished, Upstream: &Upstream{Kind: UpstreamPromptTooLong}})
	assert.Equal(t, Done, tr.Evaluate(sec(2)).Verdict)
}

func TestCustomWeightsUsed(t *testing.T) {
	w := Weights{FilePoints: 5, FilesMax: 40, RecencyMax: 10}
	require.NoError(t, w.Validate())
	tr := NewTrackerWithWeights(Thresholds{}, w, start)
	tr.Observe(Sample{At: sec(1), FilesCreated: 3})
	res := tr.Evaluate(sec(1))
	assert.Equal(t, Part{Name: "files", Points: 15, Max: 40}, withoutReason(part(t, res, "files")))
	assert.Equal(t, 10, part(t, res, "recency").Max)
}
