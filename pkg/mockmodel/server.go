package mockmodel

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"
)

// Server is a scripted Anthropic Messages API server. It keeps no conversation
// state, so one Server can serve many clients at once. It stores only a log
// of recent requests and, per prompt text, the request count that
// [[stall times=K]] and [[error times=K]] read.
type Server struct {
	logger *zap.Logger
	counts counters

	// recordMu guards requests and promptCounts.
	recordMu     sync.Mutex
	requests     []RequestLog
	promptCounts map[string]int

	mu      sync.Mutex
	httpSrv *http.Server
	cancel  context.CancelFunc
	done    chan struct{}
	url     string
	closed  bool
}

// counters contains the request counts behind Stats.
type counters struct {
	probes atomic.Int64
	main   atomic.Int64
	side   atomic.Int64
	errors atomic.Int64
}

// Stats is a snapshot of a Server's request counts.
type Stats struct {
	// Probes counts HEAD and GET requests on "/".
	Probes int64
	// Main counts message requests that offer tools.
	Main int64
	// Side counts message requests without tools, such as title requests.
	Side int64
	// Errors counts error responses and responses that could not be completed
	// because the client left or the server closed.
	Errors int64
}

// New returns a Server that logs to logger, which may be zap.NewNop(). A nil
// logger is replaced by zap.NewNop().
func New(logger *zap.Logger) *Server {
	if logger == nil {
		logger = zap.NewNop()
	}
	return &Server{logger: logger}
}

// Handler returns the http.Handler (usable with httptest).
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(s.route)
}

// Stats returns the request counts: probes, main requests (with tools), side
// requests (without tools) and errors.
func (s *Server) Stats() Stats {
	return Stats{
		Probes: s.counts.probes.Load(),
		Main:   s.counts.main.Load(),
		Side:   s.counts.side.Load(),
		Errors: s.counts.errors.Load(),
	}
}

// Start listens on addr, which must be a loopback address such as
// "127.0.0.1:0", and serves in a goroutine that Close stops. It returns the
// base URL, such as "http://127.0.0.1:PORT". A Server can be started once.
func (s *Server) Start(addr string) (string, error) {
	if err := checkLoopback(addr); err != nil {
		return "", err
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.httpSrv != nil || s.closed {
		return "", errors.New("mockmodel: start: server was already started: create another Server with New")
	}

	listener, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("mockmodel: listen on %q: %w", addr, err)
	}

	// Cancelling baseCtx ends scripted delays that are still waiting when
	// Close runs out of time.
	baseCtx, cancel := context.WithCancel(context.Background())
	errorLog, err := zap.NewStdLogAt(s.logger, zap.WarnLevel)
	if err != nil {
		cancel()
		_ = listener.Close()
		return "", fmt.Errorf("mockmodel: create HTTP error log: %w", err)
	}
	srv := &http.Server{
		Handler:           s.Handler(),
		BaseContext:       func(net.Listener) context.Context { return baseCtx },
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          errorLog,
	}
	done := make(chan struct{})
	go s.serve(srv, listener, done)

	url := "http://" + listener.Addr().String()
	s.httpSrv, s.cancel, s.done, s.url = srv, cancel, done, url
	s.logger.Info("mockmodel: listening", zap.String("url", url))
	return url, nil
}

// serve runs srv on listener until Close shuts it down, then closes done.
func (s *Server) serve(srv *http.Server, listener net.Listener, done chan<- struct{}) {
	defer close(done)
	err := srv.Serve(listener)
	if !errors.Is(err, http.ErrServerClosed) {
		s.logger.Error("mockmodel: serve failed", zap.String("addr", listener.Addr().String()), zap.Error(err))
	}
}

// Close stops the listener and waits for the serve goroutine and in-flight
// requests (bounded by ctx). When ctx ends first, Close cancels the remaining
// requests, closes their connections and returns the context's error.
func (s *Server) Close(ctx context.Context) error {
	s.mu.Lock()
	srv, cancel, done, url := s.httpSrv, s.cancel, s.done, s.url
	s.httpSrv = nil
	s.closed = true
	s.mu.Unlock()
	if srv == nil {
		return nil
	}

	shutdownErr := srv.Shutdown(ctx)
	cancel()
	if shutdownErr != nil {
		_ = srv.Close()
	}
	<-done
	s.logger.Info("mockmodel: stopped", zap.String("url", url))
	if shutdownErr != nil {
		return fmt.Errorf("mockmodel: close: requests still in flight were cut off: %w", shutdownErr)
	}
	return nil
}

// checkLoopback returns an error unless addr is host:port with a loopback IP
// literal as host. Host names are rejected because their resolution can change.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("mockmodel: invalid listen address %q: %w: use host:port such as 127.0.0.1:0", addr, err)
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("mockmodel: listen address %q is not a loopback IP: use 127.0.0.1:0 or another loopback address", addr)
	}
	return nil
}
