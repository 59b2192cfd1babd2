package dashboard

import (
	"crypto/subtle"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	"go.uber.org/zap"
)

// Guard checks requests the way the MCP endpoint does: the Host header
// must be a loopback name or an allowed host (against DNS rebinding), a
// browser Origin must be a page on such a host, and when Token is set the
// API requests must carry it.
type Guard struct {
	// Token is the bearer token, or "" for none.
	Token string
	// AllowedHosts are host names accepted besides loopback names.
	AllowedHosts []string
}

// check returns the HTTP status and message that reject r, or 0 when r
// passes. API requests need the token: as "Authorization: Bearer TOKEN",
// or, for GET requests only, as the token query parameter, because a
// browser's EventSource cannot send headers.
func (g Guard) check(r *http.Request, api bool) (int, string) {
	if !g.hostAllowed(r.Host) {
		return http.StatusForbidden, fmt.Sprintf("Forbidden: host %q is not allowed: use 127.0.0.1 or a name given with --allow-host", r.Host)
	}
	if origin := r.Header.Get("Origin"); origin != "" && !g.originAllowed(origin) {
		return http.StatusForbidden, fmt.Sprintf("Forbidden: origin %q is not allowed", origin)
	}
	if !api || g.Token == "" {
		return 0, ""
	}
	if bearerMatches(r.Header.Get("Authorization"), g.Token) {
		return 0, ""
	}
	if r.Method == http.MethodGet && tokenMatches(r.URL.Query().Get("token"), g.Token) {
		return 0, ""
	}
	return http.StatusUnauthorized, "Unauthorized: send the server's token as Authorization: Bearer TOKEN, " +
		"or open the dashboard as /dashboard/#token=TOKEN"
}

// wrap rejects requests that fail check before they reach next.
func (g Guard) wrap(next http.Handler, api bool, log *zap.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if code, msg := g.check(r, api); code != 0 {
			log.Warn("dashboard request rejected", zap.Int("status", code), zap.String("path", r.URL.Path),
				zap.String("host", r.Host), zap.String("origin", r.Header.Get("Origin")), zap.String("remote", r.RemoteAddr))
			if code == http.StatusUnauthorized {
				w.Header().Set("WWW-Authenticate", `Bearer realm="axiom-mcp"`)
			}
			http.Error(w, msg, code)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (g Guard) hostAllowed(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	if isLoopback(host) {
		return true
	}
	for _, a := range g.AllowedHosts {
		if strings.EqualFold(a, host) || strings.EqualFold(a, hostport) {
			return true
		}
	}
	return false
}

func (g Guard) originAllowed(origin string) bool {
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	return g.hostAllowed(u.Host)
}

// bearerMatches reports whether an Authorization header carries token.
// The scheme name is case-insensitive, as HTTP authentication schemes are.
func bearerMatches(header, token string) bool {
	scheme, credentials, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	return tokenMatches(strings.TrimSpace(credentials), token)
}

func tokenMatches(given, token string) bool {
	return given != "" && subtle.ConstantTimeCompare([]byte(given), []byte(token)) == 1
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}
