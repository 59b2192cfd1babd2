package executor

import (
	"fmt"
	"math/rand/v2"
	"time"

	"go.uber.org/zap"

	"github.com/axiom-mcp/axiom-mcp/pkg/queue"
	"github.com/axiom-mcp/axiom-mcp/pkg/scoring"
	"github.com/axiom-mcp/axiom-mcp/pkg/signals"
	"github.com/axiom-mcp/axiom-mcp/pkg/upstream"
)

// Backoff after failures of the model API.
const (
	// maxUpstreamRetries bounds the attempts of one task that failed on the
	// model API and were not counted; later ones count again.
	maxUpstreamRetries = 10
	// backoffBase is the first wait after a failure without a reset time;
	// it doubles with each retry up to backoffMax.
	backoffBase = 2 * time.Second
	backoffMax  = 5 * time.Minute
	// authPause is the first pause of new starts after the API rejected the
	// credentials; it doubles with each rejection up to backoffMax.
	authPause = time.Minute
	// upstreamRecent is how close to its end an attempt must have seen a
	// failure for the failure to count as its cause.
	upstreamRecent = 2 * time.Minute
)

// noteUpstreamSeenLocked remembers the latest failure of the model API.
func (i *Instance) noteUpstreamSeenLocked(u *scoring.Upstream, now time.Time) {
	if u != nil {
		i.view.lastUpstream, i.view.lastUpstreamAt = u, now
	}
}

// noteKillVerdict records the failure behind a kill-upstream verdict, so
// the end of the instance is settled as a failure of the model API.
func (i *Instance) noteKillVerdict(res scoring.Result) {
	if res.Verdict != scoring.KillUpstream || res.Upstream == nil {
		return
	}
	u := *res.Upstream
	i.mu.Lock()
	defer i.mu.Unlock()
	i.view.killUpstream = &u
}

// upstreamCause returns the failure of the model API that ended the
// instance: the one behind a kill-upstream verdict, one seen in its last
// upstreamRecent, or one on its final screen that is not part of the
// history a resumed session showed.
func (i *Instance) upstreamCause() *scoring.Upstream {
	i.mu.Lock()
	killed, u, at, ended := i.view.killUpstream, i.view.lastUpstream, i.view.lastUpstreamAt, i.endedAt
	history, historyShown := i.view.history, i.view.historyShown
	i.mu.Unlock()
	if killed != nil {
		return killed
	}
	if u != nil && ended.Sub(at) <= upstreamRecent {
		return u
	}
	if historyShown {
		return nil // every error line on screen is from the earlier run
	}
	for _, line := range i.screen.Lines() {
		if history[line] {
			continue
		}
		if e, ok := upstream.Classify(line, ended); ok {
			return signals.FromError(e, ended)
		}
	}
	return nil
}

// retryAfterUpstreamLocked handles an attempt that ended on a failure of the
// model API. The attempt is not counted, and the task waits before it runs
// again: until the failure's reset time, or a doubling backoff with jitter.
// Rate and usage limits hold every new start until they reset, and rejected
// credentials hold them until a probe start after a pause. A prompt that is
// too long fails the task, because a retry cannot help. It returns false
// when the normal attempt accounting applies instead.
func (p *Pool) retryAfterUpstreamLocked(t *task, u *scoring.Upstream, attempt int) bool {
	now := p.opts.Now()
	if u.Kind == scoring.UpstreamPromptTooLong {
		p.endTaskLocked(t, queue.FatalFailure, TaskFailed, fmt.Sprintf("attempt %d: the model API rejected the "+
			"prompt as too long (%s): shorten the prompt or split the task", attempt, u.Message))
		return true
	}
	if t.upstreamRetries >= maxUpstreamRetries {
		return false
	}
	t.upstreamRetries++
	t.attempts--
	delay := upstreamDelay(u, t.upstreamRetries, now)
	t.notBefore = now.Add(delay)
	t.state = TaskQueued
	if err := p.queue.Defer(t.id, t.notBefore); err != nil {
		p.log.Error("queue rejected a deferred attempt", zap.String("task", t.id), zap.Error(err))
	}
	t.lastError = fmt.Sprintf("attempt %d: model API failure (%s): %s", attempt, u.Kind, u.Message)
	p.journal.saveTask(t, now)
	p.publish(Event{Kind: EventTaskRequeued, Level: LevelWarning, TaskID: t.id,
		Message: fmt.Sprintf("%s; runs again in %s, and the attempt is not counted (%d of %d such retries)",
			t.lastError, delay.Round(time.Second), t.upstreamRetries, maxUpstreamRetries)})

	switch u.Kind {
	case scoring.UpstreamRateLimited, scoring.UpstreamUsageLimit:
		p.pauseStartsLocked(t.notBefore, fmt.Sprintf("the model API reports a limit (%s)", u.Kind))
	case scoring.UpstreamAuthFailed:
		p.authFailures++
		pause := min(backoffMax, authPause<<(p.authFailures-1))
		p.pauseStartsLocked(now.Add(pause), "the model API rejected the credentials: fix the login "+
			"or API key of the agents; one task starts again as a probe when the pause ends")
	}
	return true
}

// upstreamDelay returns the wait before a retry: until the reset time when
// the failure gives one, else a backoff that doubles with each retry. Both
// get up to 20% of jitter, so tasks that failed together do not retry in
// the same second.
func upstreamDelay(u *scoring.Upstream, retries int, now time.Time) time.Duration {
	base := min(backoffMax, backoffBase<<(retries-1))
	if u.ResetAt.After(now) {
		base = u.ResetAt.Sub(now)
	}
	return base + time.Duration(rand.Int64N(int64(base)/5+1))
}

// pauseStartsLocked holds every new start until until, keeping the later of
// two pauses.
func (p *Pool) pauseStartsLocked(until time.Time, reason string) {
	if !until.After(p.startsPausedUntil) {
		return
	}
	wasPaused := p.startsPausedLocked(p.opts.Now())
	p.startsPausedUntil, p.startsPausedReason = until, reason
	if !wasPaused {
		p.publish(Event{Kind: EventWarning, Level: LevelWarning,
			Message: fmt.Sprintf("new starts paused until %s: %s", until.Format(time.TimeOnly), reason)})
	}
}

// startsPausedLocked reports whether new starts are held at now.
func (p *Pool) startsPausedLocked(now time.Time) bool {
	return now.Before(p.startsPausedUntil)
}

// startPauseFor returns how long new starts wait because of the upstream
// pauses of running instances. Starts wait until the latest reset time when
// one of them reports a rate or usage limit, or when two or more pause at
// once, which suggests a limit they share. It returns the zero time when starts may go
// on. A failure without a reset time holds starts for hold, and the pool
// asks again every tick while the instances stay paused.
func startPauseFor(results []scoring.Result, now time.Time, hold time.Duration) (time.Time, string) {
	var until time.Time
	paused, limited := 0, false
	for _, res := range results {
		if res.Verdict != scoring.PausedUpstream || res.Upstream == nil {
			continue
		}
		paused++
		kind := res.Upstream.Kind
		limited = limited || kind == scoring.UpstreamRateLimited || kind == scoring.UpstreamUsageLimit
		end := res.Upstream.ResetAt
		if !end.After(now) {
			end = now.Add(hold)
		}
		if end.After(until) {
			until = end
		}
	}
	switch {
	case limited:
		return until, "a running instance reports a rate or usage limit of the model API"
	case paused >= 2:
		return until, fmt.Sprintf("%d running instances wait for the model API to recover", paused)
	}
	return time.Time{}, ""
}

// publishUpstreamEndLocked reports the end of an instance whose attempt
// ended on a failure of the model API: as a kill when the server killed it,
// such as for a kill-upstream verdict, else as an exit.
func (p *Pool) publishUpstreamEndLocked(t *task, inst *Instance, info InstanceInfo, cause *scoring.Upstream) {
	if info.KillReason != "" {
		p.publish(Event{Kind: EventInstanceKilled, Level: LevelWarning, TaskID: t.id, InstanceID: inst.id,
			Message: fmt.Sprintf("killed on a model API failure (%s): %s", cause.Kind, info.KillReason),
			Score:   info.Score, Parts: info.ScoreParts})
		return
	}
	p.publish(Event{Kind: EventInstanceExited, Level: LevelWarning, TaskID: t.id, InstanceID: inst.id,
		Message: fmt.Sprintf("ended on a model API failure (%s); exit code %d", cause.Kind, *info.ExitCode)})
}
