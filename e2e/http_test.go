package e2e

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// httpServer is an axiom-mcp process serving streamable HTTP.
type httpServer struct {
	cmd    *exec.Cmd
	url    string
	stderr *syncBuffer
	exit   chan error
}

// startHTTPServer runs `axiom-mcp serve --http 127.0.0.1:0` with args and
// waits for the log line that names its URL.
func startHTTPServer(t *testing.T, env []string, args ...string) *httpServer {
	t.Helper()
	root := filepath.Join(t.TempDir(), "workspaces")
	args = append([]string{"serve", "--http", "127.0.0.1:0", "--workspace-root", root, "--agent", agentBin}, args...)
	cmd := exec.Command(serverBin, args...)
	cmd.Env = append(os.Environ(), env...)
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())

	s := &httpServer{cmd: cmd, stderr: &syncBuffer{}, exit: make(chan error, 1)}
	urls := make(chan string, 1)
	go s.readLog(stderr, urls)
	go func() { s.exit <- cmd.Wait() }()

	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.exit:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			t.Errorf("server did not stop within 15s of SIGTERM")
		}
		if t.Failed() {
			t.Logf("server stderr:\n%s", s.stderr.String())
		}
	})

	select {
	case s.url = <-urls:
	case err := <-s.exit:
		t.Fatalf("server exited before it listened: %v\n%s", err, s.stderr.String())
	case <-time.After(20 * time.Second):
		t.Fatalf("server named no URL within 20s:\n%s", s.stderr.String())
	}
	return s
}

// urlField matches the url field of a log line.
var urlField = regexp.MustCompile(`"url": "(http://[^"]+)"`)

// readLog keeps the server's log and sends the URL of its first
// "serving MCP over streamable HTTP" line.
func (s *httpServer) readLog(r io.Reader, urls chan<- string) {
	scanner := bufio.NewScanner(r)
	for scanner.Scan() {
		line := scanner.Text()
		_, _ = s.stderr.Write([]byte(line + "\n"))
		if m := urlField.FindStringSubmatch(line); m != nil && strings.Contains(line, "streamable HTTP") {
			select {
			case urls <- m[1]:
			default:
			}
		}
	}
}

// connect opens an MCP session with the official Go SDK's streamable
// client, adding header to every request.
func (s *httpServer) connect(t *testing.T, header http.Header) *mcp.ClientSession {
	t.Helper()
	client := mcp.NewClient(&mcp.Implementation{Name: "e2e-http", Version: "1"}, nil)
	transport := &mcp.StreamableClientTransport{Endpoint: s.url,
		HTTPClient: &http.Client{Transport: headerTransport{header: header}}}
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	session, err := client.Connect(ctx, transport, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = session.Close() })
	return session
}

type headerTransport struct{ header http.Header }

func (h headerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	for k, v := range h.header {
		r.Header[k] = v
	}
	return http.DefaultTransport.RoundTrip(r)
}

// post sends an initialize request with extra headers and returns the
// status code.
func (s *httpServer) post(t *testing.T, header http.Header) int {
	t.Helper()
	body := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",` +
		`"capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, s.url, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	for k, v := range header {
		req.Header[k] = v
	}
	if host := header.Get("Host"); host != "" {
		req.Host = host
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	return resp.StatusCode
}

func TestHTTPRunsTasks(t *testing.T) {
	s := startHTTPServer(t, nil, "--tick", "200ms")
	session := s.connect(t, nil)

	listed, err := session.ListTools(t.Context(), nil)
	require.NoError(t, err)
	names := map[string]bool{}
	for _, tool := range listed.Tools {
		names[tool.Name] = true
	}
	assert.True(t, names["spawn"])
	assert.True(t, names["status"])

	res, err := session.CallTool(t.Context(), &mcp.CallToolParams{Name: "spawn",
		Arguments: map[string]any{"prompt": "productive:2", "name": "over-http"}})
	require.NoError(t, err)
	require.False(t, res.IsError, "spawn: %s", text(res))
	require.Eventually(t, func() bool {
		st, err := session.CallTool(t.Context(), &mcp.CallToolParams{Name: "status", Arguments: map[string]any{}})
		return err == nil && strings.Contains(text(st), `"state":"succeeded"`)
	}, 30*time.Second, 200*time.Millisecond)
}

func TestHTTPRejectsForeignHostAndOrigin(t *testing.T) {
	s := startHTTPServer(t, nil)

	assert.Equal(t, http.StatusOK, s.post(t, nil))
	assert.Equal(t, http.StatusForbidden, s.post(t, http.Header{"Host": {"evil.example:80"}}))
	assert.Equal(t, http.StatusForbidden, s.post(t, http.Header{"Origin": {"http://evil.example"}}))
	assert.Equal(t, http.StatusOK, s.post(t, http.Header{"Origin": {"http://localhost:3000"}}))
}

func TestHTTPBearerToken(t *testing.T) {
	tokenFile := filepath.Join(t.TempDir(), "token")
	require.NoError(t, os.WriteFile(tokenFile, []byte("s3cret-token-0123456789\n"), 0o600))
	s := startHTTPServer(t, nil, "--token-file", tokenFile)

	assert.Equal(t, http.StatusUnauthorized, s.post(t, nil))
	assert.Equal(t, http.StatusUnauthorized, s.post(t, http.Header{"Authorization": {"Bearer wrong"}}))
	assert.Equal(t, http.StatusOK, s.post(t, http.Header{"Authorization": {"Bearer s3cret-token-0123456789"}}))
	assert.Equal(t, http.StatusOK, s.post(t, http.Header{"Authorization": {"bearer s3cret-token-0123456789"}}),
		"the scheme name is case-insensitive")
	session := s.connect(t, http.Header{"Authorization": {"Bearer s3cret-token-0123456789"}})
	_, err := session.ListTools(t.Context(), nil)
	assert.NoError(t, err)
}

func TestHTTPShortTokenRejected(t *testing.T) {
	tokenFile := filepath.Join(t.TempDir(), "token")
	require.NoError(t, os.WriteFile(tokenFile, []byte("abc\n"), 0o600))

	out, err := exec.Command(serverBin, "serve", "--http", "127.0.0.1:0", "--token-file", tokenFile,
		"--workspace-root", t.TempDir()).CombinedOutput()

	var exitErr *exec.ExitError
	require.ErrorAs(t, err, &exitErr)
	assert.Equal(t, 2, exitErr.ExitCode())
	assert.Contains(t, string(out), "the bearer token has 3 characters")
}

func TestHTTPShutdownEndsPendingWait(t *testing.T) {
	s := startHTTPServer(t, nil)
	session := s.connect(t, nil)
	res, err := session.CallTool(t.Context(), &mcp.CallToolParams{Name: "spawn",
		Arguments: map[string]any{"prompt": "sleep:60"}})
	require.NoError(t, err)
	require.False(t, res.IsError, "spawn: %s", text(res))
	waited := make(chan error, 1)
	go func() {
		_, err := session.CallTool(context.Background(), &mcp.CallToolParams{Name: "wait",
			Arguments: map[string]any{"timeout_seconds": 120}})
		waited <- err
	}()
	time.Sleep(500 * time.Millisecond)

	start := time.Now()
	require.NoError(t, s.cmd.Process.Signal(syscall.SIGTERM))
	select {
	case err := <-s.exit:
		assert.NoError(t, err, "exit status after SIGTERM")
	case <-time.After(15 * time.Second):
		t.Fatal("server did not exit within 15s of SIGTERM")
	}
	s.exit <- nil // for the cleanup
	elapsed := time.Since(start)
	assert.NotContains(t, s.stderr.String(), "close HTTP connections failed",
		"shutdown waited %s for the pending wait", elapsed)
}

func TestHTTPBeyondLoopbackNeedsToken(t *testing.T) {
	out, err := exec.Command(serverBin, "serve", "--http", "0.0.0.0:0", "--workspace-root", t.TempDir()).CombinedOutput()

	var exitErr *exec.ExitError
	require.ErrorAs(t, err, &exitErr)
	assert.Equal(t, 2, exitErr.ExitCode())
	assert.Contains(t, string(out), "listens beyond loopback without a token")
}

// postBody sends body as a POST to the MCP endpoint, with its length
// declared unless chunked, and returns the status and the response body.
func (s *httpServer) postBody(t *testing.T, body string, chunked bool) (int, string) {
	t.Helper()
	var reader io.Reader = strings.NewReader(body)
	if chunked {
		reader = io.MultiReader(reader)
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, s.url, reader)
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	require.NoError(t, err)
	return resp.StatusCode, string(data)
}

func TestHTTPRequestAboveCapRejected(t *testing.T) {
	s := startHTTPServer(t, nil)
	initialize := func(pad int) string {
		return `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",` +
			`"capabilities":{},"clientInfo":{"name":"raw","version":"1","pad":"` + strings.Repeat("p", pad) + `"}}}`
	}
	// 5 MB is within the 8 MiB cap, and over mcp-go's own default of 4 MiB.
	status, body := s.postBody(t, initialize(5_000_000), false)
	assert.Equal(t, http.StatusOK, status, "a 5 MB request is accepted: %.300s", body)

	status, body = s.postBody(t, initialize(9_000_000), false)
	assert.Equal(t, http.StatusRequestEntityTooLarge, status)
	assert.Contains(t, body, "is over the cap of 8388608 bytes (8 MiB) on one JSON-RPC message")
	assert.Contains(t, body, `"code":-32600`)

	// A body of undeclared length is cut off by mcp-go at the same cap.
	status, body = s.postBody(t, initialize(9_000_000), true)
	assert.Equal(t, http.StatusRequestEntityTooLarge, status)
	assert.Contains(t, body, "request body exceeds 8388608 bytes")
}
