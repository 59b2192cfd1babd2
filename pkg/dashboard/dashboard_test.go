package dashboard

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap/zaptest"

	"github.com/axiom-mcp/axiom-mcp/internal/testbin"
	"github.com/axiom-mcp/axiom-mcp/pkg/agent"
	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
)

var testAgentPath string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "dashboard-test-bin-")
	if err != nil {
		panic(err)
	}
	if testAgentPath, err = testbin.Build(dir, testbin.TestAgent); err != nil {
		panic(err)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

const testToken = "0123456789abcdef-token"

// fixture is a pool of test-agent instances with a dashboard served by
// httptest.
type fixture struct {
	t    *testing.T
	pool *executor.Pool
	srv  *httptest.Server
}

// start runs a pool with the dashboard, guarded by token when not empty,
// and submits one task per prompt.
func start(t *testing.T, token string, prompts ...string) *fixture {
	t.Helper()
	log := zaptest.NewLogger(t)
	pool, err := executor.New(executor.Options{
		Agent: agent.MustParse(testAgentPath), WorkspaceRoot: filepath.Join(t.TempDir(), "ws"),
		TickInterval: 100 * time.Millisecond, KillGrace: 2 * time.Second, Logger: log,
	})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{}, 2)
	go func() { _ = pool.Run(ctx); done <- struct{}{} }()
	dash := New(pool, Guard{Token: token}, log)
	go func() { dash.Run(ctx); done <- struct{}{} }()
	srv := httptest.NewServer(dash.Handler())
	t.Cleanup(func() {
		srv.CloseClientConnections()
		srv.Close()
		cancel()
		<-done
		<-done
	})
	var specs []executor.TaskSpec
	for _, p := range prompts {
		specs = append(specs, executor.TaskSpec{Prompt: p})
	}
	if len(specs) > 0 {
		_, err = pool.Submit(specs)
		require.NoError(t, err)
	}
	return &fixture{t: t, pool: pool, srv: srv}
}

// runningInstance waits until an instance runs and returns its id.
func (f *fixture) runningInstance() string {
	f.t.Helper()
	var id string
	require.Eventually(f.t, func() bool {
		st, err := f.pool.Status(executor.Filter{})
		if err != nil || len(st.Instances) == 0 || st.Instances[0].EndedAt != nil {
			return false
		}
		id = st.Instances[0].ID
		return true
	}, 10*time.Second, 50*time.Millisecond)
	return id
}

func (f *fixture) request(method, path, body string, header map[string]string) *http.Response {
	f.t.Helper()
	req, err := http.NewRequest(method, f.srv.URL+path, strings.NewReader(body))
	require.NoError(f.t, err)
	for k, v := range header {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(f.t, err)
	f.t.Cleanup(func() { _ = resp.Body.Close() })
	return resp
}

func bodyOf(t *testing.T, resp *http.Response) string {
	t.Helper()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return string(data)
}

var jsonAuth = map[string]string{"Content-Type": "application/json", "Authorization": "Bearer " + testToken}

// readSnapshots reads snapshot events from an event stream until match
// returns true for one, and returns that snapshot.
func readSnapshots(t *testing.T, body io.Reader, match func(Snapshot) bool) Snapshot {
	t.Helper()
	scanner := bufio.NewScanner(body)
	scanner.Buffer(make([]byte, 0, 1<<20), 8<<20)
	event := ""
	for scanner.Scan() {
		line := scanner.Text()
		if name, ok := strings.CutPrefix(line, "event: "); ok {
			event = name
			continue
		}
		data, ok := strings.CutPrefix(line, "data: ")
		if !ok || event != "snapshot" {
			continue
		}
		var snap Snapshot
		require.NoError(t, json.Unmarshal([]byte(data), &snap))
		if match(snap) {
			return snap
		}
	}
	t.Fatalf("the stream ended before a matching snapshot: %v", scanner.Err())
	return Snapshot{}
}

func screenContains(snap Snapshot, text string) bool {
	for _, p := range snap.Panels {
		if strings.Contains(strings.Join(p.Screen, "\n"), text) {
			return true
		}
	}
	return false
}

func TestStreamDeliversScreenUpdates(t *testing.T) {
	f := start(t, testToken, "chatty:20")
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.srv.URL+Prefix+"api/stream?token="+testToken, nil)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "text/event-stream", resp.Header.Get("Content-Type"))

	first := readSnapshots(t, resp.Body, func(s Snapshot) bool { return screenContains(s, "chatter 3") })
	later := readSnapshots(t, resp.Body, func(s Snapshot) bool { return screenContains(s, "chatter 8") })

	require.Len(t, first.Panels, 1)
	assert.True(t, first.Panels[0].Running)
	assert.NotEmpty(t, later.Panels[0].Scores, "the score plot has samples")
	assert.NotEmpty(t, later.Events, "the event log is sent")
}

func TestStreamRequiresToken(t *testing.T) {
	f := start(t, testToken)

	resp := f.request(http.MethodGet, Prefix+"api/stream", "", nil)

	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
}

func TestKillEndsInstance(t *testing.T) {
	f := start(t, testToken, "chatty")
	id := f.runningInstance()

	resp := f.request(http.MethodPost, Prefix+"api/kill", `{"instance_id":"`+id+`"}`, jsonAuth)

	body := bodyOf(t, resp)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	var res executor.KillResult
	require.NoError(t, json.Unmarshal([]byte(body), &res))
	assert.Equal(t, "killed", res.State)
	assert.Equal(t, "cancelled", res.TaskState)
	st, err := f.pool.Status(executor.Filter{InstanceID: id})
	require.NoError(t, err)
	assert.Equal(t, killReason, st.Instances[0].KillReason)
}

func TestKillUnknownInstance(t *testing.T) {
	f := start(t, "")

	resp := f.request(http.MethodPost, Prefix+"api/kill", `{"instance_id":"i-nope"}`, map[string]string{"Content-Type": "application/json"})

	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}

func TestSendTypesIntoInstance(t *testing.T) {
	f := start(t, testToken, "echo-input")
	id := f.runningInstance()

	resp := f.request(http.MethodPost, Prefix+"api/send", `{"instance_id":"`+id+`","text":"hello dashboard","keys":["enter"]}`, jsonAuth)

	require.Equal(t, http.StatusOK, resp.StatusCode, bodyOf(t, resp))
	require.Eventually(t, func() bool {
		view, err := f.pool.Screen(id)
		return err == nil && strings.Contains(strings.Join(view.Lines, "\n"), "got: hello dashboard")
	}, 10*time.Second, 50*time.Millisecond)
}

func TestActionsAreGuarded(t *testing.T) {
	f := start(t, testToken, "chatty")
	id := f.runningInstance()
	kill := `{"instance_id":"` + id + `"}`
	cases := []struct {
		name   string
		header map[string]string
		path   string
		want   int
	}{
		{"no token", map[string]string{"Content-Type": "application/json"}, "api/kill", http.StatusUnauthorized},
		{"wrong token", map[string]string{"Content-Type": "application/json", "Authorization": "Bearer wrong-token-000000"},
			"api/kill", http.StatusUnauthorized},
		{"token in query", map[string]string{"Content-Type": "application/json"}, "api/kill?token=" + testToken,
			http.StatusUnauthorized},
		{"foreign origin", merge(jsonAuth, "Origin", "http://evil.example"), "api/kill", http.StatusForbidden},
		{"foreign host", merge(jsonAuth, "Host", "evil.example"), "api/kill", http.StatusForbidden},
		{"form content type", merge(jsonAuth, "Content-Type", "application/x-www-form-urlencoded"), "api/kill",
			http.StatusUnsupportedMediaType},
		{"send without token", map[string]string{"Content-Type": "application/json"}, "api/send", http.StatusUnauthorized},
		{"send from foreign origin", merge(jsonAuth, "Origin", "https://evil.example"), "api/send", http.StatusForbidden},
	}
	for _, c := range cases {
		resp := f.request(http.MethodPost, Prefix+c.path, kill, c.header)
		assert.Equal(t, c.want, resp.StatusCode, c.name)
	}

	st, err := f.pool.Status(executor.Filter{InstanceID: id})
	require.NoError(t, err)
	assert.Nil(t, st.Instances[0].EndedAt, "no rejected request ended the instance")
}

func TestLoopbackOriginAllowed(t *testing.T) {
	f := start(t, testToken)

	resp := f.request(http.MethodGet, Prefix+"api/status", "", merge(jsonAuth, "Origin", "http://localhost:8765"))

	assert.Equal(t, http.StatusOK, resp.StatusCode)
}

func TestPageServedWithoutToken(t *testing.T) {
	f := start(t, testToken)

	page := f.request(http.MethodGet, Prefix, "", nil)
	script := f.request(http.MethodGet, Prefix+"app.js", "", nil)
	foreign := f.request(http.MethodGet, Prefix, "", map[string]string{"Host": "evil.example"})

	assert.Equal(t, http.StatusOK, page.StatusCode)
	assert.Contains(t, bodyOf(t, page), `<script src="app.js"></script>`)
	assert.Equal(t, "text/javascript; charset=utf-8", script.Header.Get("Content-Type"))
	assert.Equal(t, http.StatusForbidden, foreign.StatusCode)
}

func TestStatusEndpoint(t *testing.T) {
	f := start(t, testToken, "chatty:5")
	id := f.runningInstance()

	resp := f.request(http.MethodGet, Prefix+"api/status", "", jsonAuth)

	require.Equal(t, http.StatusOK, resp.StatusCode)
	var st executor.Status
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&st))
	require.Len(t, st.Instances, 1)
	assert.Equal(t, id, st.Instances[0].ID)
}

func merge(base map[string]string, key, value string) map[string]string {
	out := map[string]string{key: value}
	for k, v := range base {
		if k != key {
			out[k] = v
		}
	}
	return out
}
