package app

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/server"
	"go.uber.org/zap"

	"github.com/axiom-mcp/axiom-mcp/pkg/dashboard"
	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
)

// HTTPOptions configure the streamable HTTP transport.
type HTTPOptions struct {
	// Addr is the listen address, such as 127.0.0.1:8765. Port 0 picks a
	// free port, which the log reports.
	Addr string
	// Token is the bearer token every request must carry, or "" for none.
	// A listener beyond loopback requires one.
	Token string
	// AllowedHosts lists the Host header values accepted besides loopback
	// names, for clients that reach a non-loopback listener by name.
	AllowedHosts []string
}

// minTokenLength is the shortest bearer token accepted, so that a guessed
// token is unlikely.
const minTokenLength = 16

// endpointPath is the path of the MCP endpoint.
const endpointPath = "/mcp"

// shutdownWait bounds the wait for open HTTP requests at shutdown. The
// requests are cancelled first, so they end at once; the rest of the
// shutdown time goes to ending the instances.
const shutdownWait = 2 * time.Second

// TokenFromFile reads a bearer token from path, trimmed of surrounding
// white space. An empty file is an error.
func TokenFromFile(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read token file: %w", err)
	}
	token := strings.TrimSpace(string(data))
	if token == "" {
		return "", fmt.Errorf("token file %s is empty: write the token on its first line", path)
	}
	return token, nil
}

// Listen opens the TCP listener of opts.Addr after checking that a
// listener beyond loopback has a token.
func (opts HTTPOptions) Listen() (net.Listener, error) {
	host, _, err := net.SplitHostPort(opts.Addr)
	if err != nil {
		return nil, fmt.Errorf("--http %q is not a host:port address: use one such as 127.0.0.1:8765", opts.Addr)
	}
	if !isLoopback(host) && opts.Token == "" {
		return nil, fmt.Errorf("--http %s listens beyond loopback without a token: set --token-file FILE or "+
			"AXIOM_MCP_TOKEN so that every client must send it as a bearer token, or listen on 127.0.0.1", opts.Addr)
	}
	if opts.Token != "" && len(opts.Token) < minTokenLength {
		return nil, fmt.Errorf("the bearer token has %d characters: use at least %d, such as the output of "+
			"`openssl rand -hex 16`", len(opts.Token), minTokenLength)
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", opts.Addr, err)
	}
	return ln, nil
}

// ServeHTTP runs the MCP server as streamable HTTP on ln until ctx is done,
// then closes open requests, ends every instance and returns.
func ServeHTTP(ctx context.Context, cfg Config, ln net.Listener, opts HTTPOptions) error {
	log := cfg.Logger
	limit, err := cfg.messageCap()
	if err != nil {
		_ = ln.Close()
		return err
	}
	run, err := startPool(cfg)
	if err != nil {
		_ = ln.Close()
		return err
	}
	streamable := server.NewStreamableHTTPServer(run.srv.MCP(),
		server.WithEndpointPath(endpointPath),
		server.WithMaxRequestBodyBytes(limit),
		server.WithAllowedHosts(opts.AllowedHosts...),
		server.WithHeartbeatInterval(30*time.Second))
	// Requests run under base, which shutdown cancels first, so a pending
	// wait returns at once instead of holding the shutdown.
	base, cancelRequests := context.WithCancel(context.Background())
	defer cancelRequests()
	mux := http.NewServeMux()
	mux.Handle(endpointPath, guard(streamable, opts, limit, log))
	stopDashboard := mountDashboard(base, mux, run.pool, opts, log)
	httpSrv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          zap.NewStdLog(log),
		BaseContext:       func(net.Listener) context.Context { return base },
	}
	endpoint := "http://" + ln.Addr().String() + endpointPath
	log.Info("serving MCP over streamable HTTP", zap.String("url", endpoint),
		zap.Bool("token", opts.Token != ""), zap.String("workspace_root", run.opts.WorkspaceRoot),
		zap.Int("max_instances", run.opts.MaxInstances),
		zap.String("dashboard", "http://"+ln.Addr().String()+dashboard.Prefix))

	served := make(chan error, 1)
	go func() { served <- httpSrv.Serve(ln) }()
	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-served:
	}
	deadline := time.Now().Add(executor.DefaultShutdownTimeout)
	cancelRequests()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownWait)
	defer cancel()
	_ = streamable.Shutdown(shutdownCtx)
	if err := httpSrv.Shutdown(shutdownCtx); err != nil {
		log.Warn("close HTTP connections failed", zap.Error(err))
	}
	stopDashboard()
	log.Info("HTTP server closed: ending every instance")
	run.stop(deadline)
	log.Info("server stopped")
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return fmt.Errorf("serve HTTP: %w", serveErr)
	}
	return nil
}

// guard checks the Origin header, the bearer token and the declared size
// of the body before a request reaches the MCP handler. The handler itself
// rejects Host headers that are not loopback names or allowed hosts,
// against DNS rebinding, and bodies longer than limit that declare no size.
func guard(next http.Handler, opts HTTPOptions, limit int64, log *zap.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if origin := r.Header.Get("Origin"); origin != "" && !originAllowed(origin, opts.AllowedHosts) {
			log.Warn("request from a foreign origin rejected", zap.String("origin", origin), zap.String("remote", r.RemoteAddr))
			http.Error(w, fmt.Sprintf("Forbidden: origin %q is not allowed", origin), http.StatusForbidden)
			return
		}
		if opts.Token != "" && !bearerMatches(r.Header.Get("Authorization"), opts.Token) {
			log.Warn("request without a valid bearer token rejected", zap.String("remote", r.RemoteAddr))
			w.Header().Set("WWW-Authenticate", `Bearer realm="axiom-mcp"`)
			http.Error(w, "Unauthorized: send the server's token as Authorization: Bearer TOKEN", http.StatusUnauthorized)
			return
		}
		if r.Method == http.MethodPost && r.ContentLength > limit {
			rejectOversize(w, r, limit, log)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// bearerMatches reports whether an Authorization header carries token. The
// scheme name is case-insensitive, as HTTP authentication schemes are.
func bearerMatches(header, token string) bool {
	scheme, credentials, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(strings.TrimSpace(credentials)), []byte(token)) == 1
}

// originAllowed reports whether a browser page at origin may call the
// server: pages served from a loopback host or an allowed host.
func originAllowed(origin string, allowed []string) bool {
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	host := u.Hostname()
	if isLoopback(host) {
		return true
	}
	for _, a := range allowed {
		if strings.EqualFold(a, host) || strings.EqualFold(a, u.Host) {
			return true
		}
	}
	return false
}

// isLoopback reports whether host is a loopback name or address.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// rejectOversize responds to a POST whose body is longer than limit with
// 413 and a JSON-RPC error that names the cap, without reading the body.
func rejectOversize(w http.ResponseWriter, r *http.Request, limit int64, log *zap.Logger) {
	log.Warn("JSON-RPC message over the size cap rejected", zap.Int64("size", r.ContentLength),
		zap.Int64("cap", limit), zap.String("remote", r.RemoteAddr))
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusRequestEntityTooLarge)
	if err := writeOversize(w, json.RawMessage("null"), r.ContentLength, limit); err != nil {
		log.Warn("failed to write the error for a message over the size cap", zap.String("remote", r.RemoteAddr),
			zap.Error(err))
	}
}
