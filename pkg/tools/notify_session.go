package tools

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	"go.uber.org/zap"

	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
)

// logger is the logger name of every notification the notifier sends.
const logger = "axiom"

// readPage is how many events a sender reads from the log at a time.
const readPage = 256

// sessionSender delivers the event log to one session in Seq order. Score
// updates go through a coalescer, and every other event is retried until
// the session accepts it, the session leaves or the notifier stops.
type sessionSender struct {
	n       *notifier
	id      string
	session server.ClientSession
	gen     uint64
	cursor  int64 // Seq of the last event handled
	scores  *scoreCoalescer
	wakeup  chan struct{}
	cancel  context.CancelFunc // stops run
}

func newSessionSender(n *notifier, id string, start sessionStart, cancel context.CancelFunc) *sessionSender {
	return &sessionSender{
		n: n, id: id, session: start.session, gen: start.gen, cursor: start.cursor,
		scores: newScoreCoalescer(n.opts.scoreInterval, n.opts.now),
		wakeup: make(chan struct{}, 1), cancel: cancel,
	}
}

// wake signals the sender that the log has grown, without blocking.
func (q *sessionSender) wake() {
	select {
	case q.wakeup <- struct{}{}:
	default:
	}
}

// run sends events until the session leaves or ctx ends.
func (q *sessionSender) run(ctx context.Context) {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		if !q.catchUp(ctx) {
			return
		}
		timer.Reset(q.waitTime())
		select {
		case <-ctx.Done():
			return
		case <-q.wakeup:
		case <-timer.C:
		}
	}
}

// waitTime returns how long the sender may sleep before a coalesced score
// update falls due. With none pending it sleeps until woken.
func (q *sessionSender) waitTime() time.Duration {
	if due, ok := q.scores.NextDue(); ok {
		return due
	}
	return time.Hour
}

// catchUp handles every event after the cursor, then sends the score
// updates that are due. It returns false when the sender must stop.
func (q *sessionSender) catchUp(ctx context.Context) bool {
	for {
		events, _ := q.n.source.Events(q.cursor, readPage)
		if len(events) == 0 {
			return q.flushScores()
		}
		if first := events[0].Seq; first > q.cursor+1 {
			if !q.sendMissed(ctx, q.cursor+1, first-1) {
				return false
			}
		}
		for _, ev := range events {
			if !q.handle(ctx, ev) {
				return false
			}
			q.cursor = ev.Seq
		}
		if !q.flushScores() {
			return false
		}
	}
}

// handle sends one event, or hands a score update to the coalescer. The
// score updates that are due go first, so they keep their place before
// later events.
func (q *sessionSender) handle(ctx context.Context, ev executor.Event) bool {
	if ev.Kind == executor.EventScore {
		if q.wantsDebug() {
			q.scores.Offer(ev)
		}
		return true
	}
	if !q.flushScores() {
		return false
	}
	if ev.Terminal() && ev.InstanceID != "" {
		q.scores.Forget(ev.InstanceID)
	}
	return q.sendRetrying(ctx, mcp.LoggingLevel(ev.Level), eventData(ev))
}

// wantsDebug reports whether the session's logging level lets score
// updates through, so updates it would drop are not coalesced at all.
func (q *sessionSender) wantsDebug() bool {
	logging, ok := q.session.(server.SessionWithLogging)
	return ok && mcp.LoggingLevelDebug.ShouldSendTo(logging.GetLogLevel())
}

// flushScores sends the coalesced score updates that are due. An update
// that does not fit in the session's channel goes back to the coalescer,
// where a newer update of the same instance replaces it.
func (q *sessionSender) flushScores() bool {
	for _, ev := range q.scores.Ready() {
		err := q.send(mcp.LoggingLevelDebug, eventData(ev))
		switch {
		case err == nil:
		case errors.Is(err, server.ErrSessionNotFound):
			return false
		case retryable(err):
			q.scores.Offer(ev)
		default:
			q.n.log.Debug("score update not sent", zap.String("session", q.id),
				zap.String("instance", ev.InstanceID), zap.Int64("seq", ev.Seq), zap.Error(err))
		}
	}
	return true
}

// sendMissed warns the session that events from first to last were
// evicted from the event log before this sender could read them.
func (q *sessionSender) sendMissed(ctx context.Context, first, last int64) bool {
	q.n.log.Warn("events evicted from the event log before a session received them",
		zap.String("session", q.id), zap.Int64("first_seq", first), zap.Int64("last_seq", last))
	return q.sendRetrying(ctx, mcp.LoggingLevelWarning, EventData{
		Time: q.n.opts.now(), Kind: EventsMissed, Level: string(mcp.LoggingLevelWarning),
		Message: fmt.Sprintf("events %d to %d were evicted from the event log before they were sent to this session; "+
			"call status with events_after 0 to read the oldest events still stored", first, last),
	})
}

// sendRetrying sends data until the session accepts it. It waits between
// attempts while the session's notification channel is full or the session
// is not initialized yet. It returns false when the session has left or the
// sender is stopped, and true once the event is sent or cannot be sent at
// all, which it logs.
//
// NOTE: an HTTP session abandoned without a DELETE is never unregistered,
// so its sender retries every retryMax until the server stops.
func (q *sessionSender) sendRetrying(ctx context.Context, level mcp.LoggingLevel, data EventData) bool {
	delay := q.n.opts.retryMin
	started := time.Now()
	for attempt := 1; ; attempt++ {
		err := q.send(level, data)
		switch {
		case err == nil:
			if attempt > 1 {
				q.n.log.Info("notification sent after retries", zap.String("session", q.id),
					zap.Int64("seq", data.Seq), zap.Int("attempts", attempt), zap.Duration("waited", time.Since(started)))
			}
			return true
		case errors.Is(err, server.ErrSessionNotFound):
			return false
		case !retryable(err):
			q.n.log.Warn("notification not sent", zap.String("session", q.id), zap.Int64("seq", data.Seq),
				zap.String("kind", data.Kind), zap.Error(err))
			return true
		}
		if attempt == 1 {
			q.n.log.Warn("notification waits for the session; retrying", zap.String("session", q.id),
				zap.Int64("seq", data.Seq), zap.String("kind", data.Kind), zap.Error(err))
		}
		if !sleep(ctx, delay) {
			return false
		}
		delay = min(2*delay, q.n.opts.retryMax)
	}
}

func (q *sessionSender) send(level mcp.LoggingLevel, data EventData) error {
	return q.n.sender.SendLogMessageToSpecificClient(q.id, mcp.NewLoggingMessageNotification(level, logger, data))
}

// retryable reports whether a failed send may succeed later: the session's
// notification channel was full, or the session has not finished its
// initialization yet.
func retryable(err error) bool {
	return errors.Is(err, server.ErrNotificationChannelBlocked) || errors.Is(err, server.ErrSessionNotInitialized)
}

// sleep waits for d and returns false if ctx ends first.
func sleep(ctx context.Context, d time.Duration) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-timer.C:
		return true
	}
}
