package tools

import (
	"context"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	"go.uber.org/zap"

	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
)

// eventSource is the part of the pool that the notifier reads: the event
// log, and the event bus used only to learn that the log has grown.
type eventSource interface {
	Subscribe(buffer int) (<-chan executor.Event, func())
	Events(cursor int64, limit int) ([]executor.Event, int64)
	EventBounds() (oldest, latest int64)
}

// logSender sends a logging notification to one session. mcp-go's
// MCPServer drops a notification below the session's logging level and
// returns nil, and returns server.ErrNotificationChannelBlocked without
// sending when the session's notification channel is full.
type logSender interface {
	SendLogMessageToSpecificClient(sessionID string, notification mcp.LoggingMessageNotification) error
}

// notifyOptions are the notifier's timings; tests shorten them.
type notifyOptions struct {
	// scoreInterval is the minimum time between two score updates of one
	// instance sent to one session.
	scoreInterval time.Duration
	// retryMin and retryMax bound the backoff between attempts to send a
	// notification that must not be dropped.
	retryMin, retryMax time.Duration
	// now is the coalescers' clock.
	now func() time.Time
}

func defaultNotifyOptions() notifyOptions {
	return notifyOptions{scoreInterval: scoreInterval, retryMin: 2 * time.Millisecond,
		retryMax: 200 * time.Millisecond, now: time.Now}
}

// notifier forwards pool events to every client session as logging
// notifications. Each session gets its own sender goroutine, which reads
// the event log from its own cursor, so a slow session neither slows the
// pool nor the other sessions, and the only per-session memory is the
// cursor and the score coalescer.
type notifier struct {
	source eventSource
	sender logSender
	log    *zap.Logger
	opts   notifyOptions

	mu       sync.Mutex
	sessions map[string]sessionStart
	nextGen  uint64
	changed  chan struct{} // signalled when a session registers or unregisters
}

// sessionStart is a registered session and the Seq of the latest event
// when it registered, after which its sender starts. gen distinguishes a
// session that registered again under the same ID from the one before it.
type sessionStart struct {
	session server.ClientSession
	cursor  int64
	gen     uint64
}

func newNotifier(source eventSource, sender logSender, log *zap.Logger, opts notifyOptions) *notifier {
	return &notifier{source: source, sender: sender, log: log, opts: opts,
		sessions: make(map[string]sessionStart), changed: make(chan struct{}, 1)}
}

// trackSessions adds hooks that record sessions as clients connect and
// leave.
func (n *notifier) trackSessions(hooks *server.Hooks) {
	hooks.AddOnRegisterSession(func(_ context.Context, session server.ClientSession) {
		_, latest := n.source.EventBounds()
		n.mu.Lock()
		n.nextGen++
		n.sessions[session.SessionID()] = sessionStart{session: session, cursor: latest, gen: n.nextGen}
		n.mu.Unlock()
		n.signalChanged()
	})
	hooks.AddOnUnregisterSession(func(_ context.Context, session server.ClientSession) {
		n.mu.Lock()
		delete(n.sessions, session.SessionID())
		n.mu.Unlock()
		n.signalChanged()
	})
}

func (n *notifier) signalChanged() {
	select {
	case n.changed <- struct{}{}:
	default:
	}
}

// ForwardEvents sends pool events to every client session as MCP logging
// notifications (notifications/message, logger "axiom") until ctx is done
// or the pool shuts down, then stops every session's sender and returns.
// The caller owns the goroutine that runs it. docs/notifications.md lists
// the levels, the data fields and what can be lost.
func (s *Server) ForwardEvents(ctx context.Context) {
	s.notify.run(ctx)
}

func (n *notifier) run(ctx context.Context) {
	grown, stop := n.source.Subscribe(64)
	defer stop()
	senders := make(map[string]*sessionSender)
	var wg sync.WaitGroup
	defer func() {
		for _, sender := range senders {
			sender.cancel()
		}
		wg.Wait()
	}()
	for {
		n.reconcile(ctx, senders, &wg)
		select {
		case <-ctx.Done():
			return
		case <-n.changed:
		case _, ok := <-grown:
			if !ok {
				return
			}
			drainSignals(grown)
			for _, sender := range senders {
				sender.wake()
			}
		}
	}
}

// reconcile starts a sender for each new session and stops the senders of
// sessions that have left.
func (n *notifier) reconcile(ctx context.Context, senders map[string]*sessionSender, wg *sync.WaitGroup) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for id, sender := range senders {
		if current, ok := n.sessions[id]; !ok || current.gen != sender.gen {
			sender.cancel()
			delete(senders, id)
		}
	}
	for id, start := range n.sessions {
		if _, ok := senders[id]; ok {
			continue
		}
		senderCtx, cancel := context.WithCancel(ctx)
		sender := newSessionSender(n, id, start, cancel)
		senders[id] = sender
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer cancel()
			sender.run(senderCtx)
		}()
	}
}

// drainSignals empties a channel whose events serve only as signals that
// the log has grown, so one pass over the senders covers every event
// already published.
func drainSignals(events <-chan executor.Event) {
	for {
		select {
		case _, ok := <-events:
			if !ok {
				return
			}
		default:
			return
		}
	}
}
