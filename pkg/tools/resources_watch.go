package tools

import (
	"context"
	"encoding/json"
	"errors"
	"hash/fnv"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	"go.uber.org/zap"
)

// ResourceUpdateInterval is how often WatchResources checks the subscribed
// resources. A resource sends at most one update per interval, so a screen
// that redraws continuously sends two a second.
const ResourceUpdateInterval = 500 * time.Millisecond

// subscriptions records which client sessions subscribed to which resource
// URIs. mcp-go v1.6.0 acknowledges resources/subscribe but keeps no record,
// so the hooks of the server fill this one.
type subscriptions struct {
	mu    sync.Mutex
	byURI map[string]*subscription
}

// subscription is the state of one subscribed URI.
type subscription struct {
	sessions map[string]bool
	// version is a digest of the content last seen; a new digest means the
	// resource changed.
	version string
}

func newSubscriptions() *subscriptions {
	return &subscriptions{byURI: make(map[string]*subscription)}
}

// addSubscriptionHooks records subscriptions as clients make and end them,
// and removes the subscriptions of a session that ends.
func (s *Server) addSubscriptionHooks(hooks *server.Hooks) {
	hooks.AddAfterSubscribe(func(ctx context.Context, _ any, req *mcp.SubscribeRequest, _ *mcp.EmptyResult) {
		if session := server.ClientSessionFromContext(ctx); session != nil {
			s.subscribe(session.SessionID(), req.Params.URI)
		}
	})
	hooks.AddAfterUnsubscribe(func(ctx context.Context, _ any, req *mcp.UnsubscribeRequest, _ *mcp.EmptyResult) {
		if session := server.ClientSessionFromContext(ctx); session != nil {
			s.unsubscribe(session.SessionID(), req.Params.URI)
		}
	})
	hooks.AddOnUnregisterSession(func(_ context.Context, session server.ClientSession) {
		s.dropSession(session.SessionID())
	})
}

// subscribe records that session wants updates of uri. The content at this
// moment is the baseline, so only later changes send an update.
func (s *Server) subscribe(session, uri string) {
	if kind, _ := parseResourceURI(uri); kind == kindUnknown {
		s.log.Info("subscription to a URI this server does not serve; it will get no updates",
			zap.String("session", session), zap.String("uri", uri))
	}
	version := s.resourceVersion(uri)
	s.subs.mu.Lock()
	defer s.subs.mu.Unlock()
	sub, ok := s.subs.byURI[uri]
	if !ok {
		sub = &subscription{sessions: make(map[string]bool), version: version}
		s.subs.byURI[uri] = sub
	}
	sub.sessions[session] = true
}

// unsubscribe removes the subscription of session to uri.
func (s *Server) unsubscribe(session, uri string) {
	s.subs.mu.Lock()
	defer s.subs.mu.Unlock()
	sub, ok := s.subs.byURI[uri]
	if !ok {
		return
	}
	delete(sub.sessions, session)
	if len(sub.sessions) == 0 {
		delete(s.subs.byURI, uri)
	}
}

// dropSession removes every subscription of session.
func (s *Server) dropSession(session string) {
	s.subs.mu.Lock()
	uris := make([]string, 0, len(s.subs.byURI))
	for uri, sub := range s.subs.byURI {
		if sub.sessions[session] {
			uris = append(uris, uri)
		}
	}
	s.subs.mu.Unlock()
	for _, uri := range uris {
		s.unsubscribe(session, uri)
	}
}

// WatchResources sends notifications/resources/updated to the sessions
// subscribed to a resource when its content changes, checking every
// ResourceUpdateInterval, until ctx is done. The caller owns the goroutine
// that runs it.
func (s *Server) WatchResources(ctx context.Context) {
	ticker := time.NewTicker(ResourceUpdateInterval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			s.sendResourceUpdates()
		}
	}
}

// sendResourceUpdates notifies the subscribers of every resource whose
// content changed since the last check.
func (s *Server) sendResourceUpdates() {
	for _, uri := range s.subscribedURIs() {
		sessions := s.noteVersion(uri, s.resourceVersion(uri))
		for _, session := range sessions {
			s.sendUpdated(session, uri)
		}
	}
}

func (s *Server) subscribedURIs() []string {
	s.subs.mu.Lock()
	defer s.subs.mu.Unlock()
	uris := make([]string, 0, len(s.subs.byURI))
	for uri := range s.subs.byURI {
		uris = append(uris, uri)
	}
	return uris
}

// noteVersion records version as the content of uri and returns the
// subscribed sessions if it differs from the last one seen.
func (s *Server) noteVersion(uri, version string) []string {
	s.subs.mu.Lock()
	defer s.subs.mu.Unlock()
	sub, ok := s.subs.byURI[uri]
	if !ok || sub.version == version {
		return nil
	}
	sub.version = version
	sessions := make([]string, 0, len(sub.sessions))
	for session := range sub.sessions {
		sessions = append(sessions, session)
	}
	return sessions
}

// sendUpdated sends one notifications/resources/updated. A session that is
// gone loses its subscriptions. A full notification queue is logged by the
// server's error hook.
func (s *Server) sendUpdated(session, uri string) {
	err := s.mcp.SendNotificationToSpecificClient(session, mcp.MethodNotificationResourceUpdated,
		map[string]any{"uri": uri})
	switch {
	case err == nil, errors.Is(err, server.ErrNotificationChannelBlocked):
	case errors.Is(err, server.ErrSessionNotFound):
		s.dropSession(session)
	default:
		s.log.Warn("resource update not sent", zap.String("session", session), zap.String("uri", uri),
			zap.Error(err))
	}
}

// resourceVersion returns a digest of the content of uri: the length of a
// transcript, which only grows, or a hash of a screen or a task record. It
// returns "" for a URI that names nothing, so a resource that appears later
// counts as changed.
func (s *Server) resourceVersion(uri string) string {
	kind, id := parseResourceURI(uri)
	switch kind {
	case kindScreen:
		if view, err := s.pool.Screen(id); err == nil {
			return digest([]byte(strings.Join(view.Lines, "\n")))
		}
	case kindTranscript:
		if window, err := s.pool.TranscriptText(id, 0, 0); err == nil {
			return strconv.FormatInt(window.Total, 10)
		}
	case kindTask:
		if info, err := s.pool.Task(id); err == nil {
			data, err := json.Marshal(info)
			if err == nil {
				return digest(data)
			}
		}
	}
	return ""
}

func digest(data []byte) string {
	h := fnv.New64a()
	_, _ = h.Write(data)
	return strconv.FormatUint(h.Sum64(), 16)
}
