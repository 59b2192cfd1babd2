package tools

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap/zaptest"

	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
)

// updateRecorder collects the URIs of notifications/resources/updated a
// client receives.
type updateRecorder struct {
	mu   sync.Mutex
	uris []string
}

func (r *updateRecorder) record(note mcp.JSONRPCNotification) {
	if note.Method != mcp.MethodNotificationResourceUpdated {
		return
	}
	uri, _ := note.Params.AdditionalFields["uri"].(string)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.uris = append(r.uris, uri)
}

// count returns how many updates of uri arrived.
func (r *updateRecorder) count(uri string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, got := range r.uris {
		if got == uri {
			n++
		}
	}
	return n
}

// watchedServer returns a Server for pool whose WatchResources runs until
// the test ends, and an initialized client of it that records updates.
func watchedServer(t *testing.T, pool *executor.Pool) (*Server, *client.Client, *updateRecorder) {
	t.Helper()
	srv := New(pool, Options{Logger: zaptest.NewLogger(t)})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.WatchResources(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	mcpClient, err := client.NewInProcessClient(srv.MCP())
	require.NoError(t, err)
	t.Cleanup(func() { _ = mcpClient.Close() })
	recorder := &updateRecorder{}
	mcpClient.OnNotification(recorder.record)
	require.NoError(t, mcpClient.Start(t.Context()))
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_LEGACY_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: "resources-test", Version: "1"}
	_, err = mcpClient.Initialize(t.Context(), init)
	require.NoError(t, err)
	return srv, mcpClient, recorder
}

// readText reads a resource and returns its one text content.
func readText(t *testing.T, mcpClient *client.Client, uri string) mcp.TextResourceContents {
	t.Helper()
	req := mcp.ReadResourceRequest{}
	req.Params.URI = uri
	result, err := mcpClient.ReadResource(t.Context(), req)
	require.NoError(t, err)
	require.Len(t, result.Contents, 1)
	text, ok := result.Contents[0].(mcp.TextResourceContents)
	require.True(t, ok, "content is text: %#v", result.Contents[0])
	return text
}

func subscribe(t *testing.T, mcpClient *client.Client, uri string) {
	t.Helper()
	req := mcp.SubscribeRequest{}
	req.Params.URI = uri
	require.NoError(t, mcpClient.Subscribe(t.Context(), req))
}

func screenURI(id string) string     { return "axiom://instance/" + id + "/screen" }
func transcriptURI(id string) string { return "axiom://instance/" + id + "/transcript" }

func TestResourceTemplatesListed(t *testing.T) {
	pool := startTestPool(t)
	mcpClient := connect(t, pool, Options{})

	templates, err := mcpClient.ListResourceTemplates(t.Context(), mcp.ListResourceTemplatesRequest{})
	require.NoError(t, err)
	resources, err := mcpClient.ListResources(t.Context(), mcp.ListResourcesRequest{})
	require.NoError(t, err)

	listed := map[string]string{}
	for _, tpl := range templates.ResourceTemplates {
		listed[tpl.URITemplate.Raw()] = tpl.MIMEType
	}
	assert.Equal(t, map[string]string{
		screenURITemplate:     "text/plain",
		transcriptURITemplate: "text/plain",
		taskURITemplate:       "application/json",
	}, listed)
	assert.Empty(t, resources.Resources)
}

func TestParseResourceURI(t *testing.T) {
	cases := []struct {
		uri      string
		wantKind resourceKind
		wantID   string
	}{
		{uri: "axiom://instance/i-1/screen", wantKind: kindScreen, wantID: "i-1"},
		{uri: "axiom://instance/i-1/transcript", wantKind: kindTranscript, wantID: "i-1"},
		{uri: "axiom://task/t-1", wantKind: kindTask, wantID: "t-1"},
		{uri: "axiom://task/api%2Fv2", wantKind: kindTask, wantID: "api/v2"},
		{uri: "axiom://task/", wantKind: kindUnknown},
		{uri: "axiom://task/a/b", wantKind: kindUnknown},
		{uri: "axiom://instance/i-1/log", wantKind: kindUnknown},
		{uri: "axiom://instance/i-1", wantKind: kindUnknown},
		{uri: "test://watched-resource", wantKind: kindUnknown},
		{uri: "axiom://task/%zz", wantKind: kindUnknown},
	}
	for _, tc := range cases {
		t.Run(tc.uri, func(t *testing.T) {
			kind, id := parseResourceURI(tc.uri)

			assert.Equal(t, tc.wantKind, kind)
			assert.Equal(t, tc.wantID, id)
		})
	}
}

func TestReadScreenResource(t *testing.T) {
	pool := startOutputPool(t, `/bin/sh -c 'printf "one\r\n\033[7mtwo\033[0m\r\n"; sleep 30'`, executor.Options{})
	mcpClient := connect(t, pool, Options{})
	id := spawnInstance(t, pool)

	var text mcp.TextResourceContents
	require.Eventually(t, func() bool {
		text = readText(t, mcpClient, screenURI(id))
		return strings.Contains(text.Text, "two")
	}, 10*time.Second, 50*time.Millisecond)

	assert.Equal(t, "one\ntwo", text.Text)
	assert.Equal(t, "text/plain", text.MIMEType)
	assert.Equal(t, screenURI(id), text.URI)
}

func TestReadTranscriptResource(t *testing.T) {
	pool := startOutputPool(t, `/bin/sh -c 'seq -f "line %g" 1 9000; sleep 30'`,
		executor.Options{})
	mcpClient := connect(t, pool, Options{})
	id := spawnInstance(t, pool)

	var text mcp.TextResourceContents
	require.Eventually(t, func() bool {
		text = readText(t, mcpClient, transcriptURI(id))
		return strings.HasSuffix(text.Text, "line 9000\n")
	}, 10*time.Second, 50*time.Millisecond)

	meta, ok := text.Meta[transcriptMetaKey].(map[string]any)
	require.True(t, ok, "_meta: %v", text.Meta)
	encoded, err := json.Marshal(text.Text)
	require.NoError(t, err)
	assert.LessOrEqual(t, len(text.Text), MaxOutputBytes)
	assert.LessOrEqual(t, len(encoded)-2, outputTextBudget, "each newline takes 2 bytes in JSON")
	assert.Greater(t, len(encoded)-2, outputTextBudget-20, "the tail fills the budget")
	assert.EqualValues(t, meta["total_bytes"], meta["cursor"].(float64)+float64(len(text.Text)))
	assert.EqualValues(t, 0, meta["oldest_cursor"])
	assert.Equal(t, "working", meta["state"])
}

func TestReadTaskResource(t *testing.T) {
	pool := startTestPool(t)
	mcpClient := connect(t, pool, Options{})
	infos, err := pool.Submit([]executor.TaskSpec{{Prompt: "wait", Name: "api/v2"}})
	require.NoError(t, err)

	byID := readText(t, mcpClient, "axiom://task/"+infos[0].ID)
	byName := readText(t, mcpClient, "axiom://task/api%2Fv2")

	var record executor.TaskInfo
	require.NoError(t, json.Unmarshal([]byte(byID.Text), &record))
	assert.Equal(t, infos[0].ID, record.ID)
	assert.Equal(t, "running", record.State)
	assert.Equal(t, "application/json", byID.MIMEType)
	assert.Equal(t, byID.Text, byName.Text)
}

func TestReadUnknownResource(t *testing.T) {
	pool := startTestPool(t)
	mcpClient := connect(t, pool, Options{})
	cases := []struct {
		uri  string
		want string
	}{
		{uri: screenURI("i-nope"), want: `instance not found: "i-nope": call status to list instance ids`},
		{uri: transcriptURI("i-nope"), want: `instance not found: "i-nope"`},
		{uri: "axiom://task/nobody", want: `task not found: "nobody": call status to list task ids and names`},
	}
	for _, tc := range cases {
		t.Run(tc.uri, func(t *testing.T) {
			req := mcp.ReadResourceRequest{}
			req.Params.URI = tc.uri

			_, err := mcpClient.ReadResource(t.Context(), req)

			assert.ErrorIs(t, err, mcp.ErrResourceNotFound)
			assert.ErrorContains(t, err, tc.want)
		})
	}
}

func TestSubscribeScreenUpdates(t *testing.T) {
	pool := startOutputPool(t, `/bin/sh -c 'echo ready; read answer; echo changed; sleep 30'`, executor.Options{})
	_, mcpClient, recorder := watchedServer(t, pool)
	id := spawnInstance(t, pool)
	require.Eventually(t, func() bool {
		return strings.Contains(readText(t, mcpClient, screenURI(id)).Text, "ready")
	}, 10*time.Second, 50*time.Millisecond)
	subscribe(t, mcpClient, screenURI(id))

	_, err := pool.Intervene(t.Context(), id, "go", []string{"enter"})
	require.NoError(t, err)

	require.Eventually(t, func() bool { return recorder.count(screenURI(id)) > 0 }, 10*time.Second,
		50*time.Millisecond, "no update of the screen")
	assert.Contains(t, readText(t, mcpClient, screenURI(id)).Text, "changed")
}

func TestSubscribeTaskUpdates(t *testing.T) {
	pool := startTestPool(t)
	_, mcpClient, recorder := watchedServer(t, pool)
	infos, err := pool.Submit([]executor.TaskSpec{{Prompt: "wait", Name: "waiter"}})
	require.NoError(t, err)
	uri := "axiom://task/waiter"
	subscribe(t, mcpClient, uri)

	_, err = pool.Kill(infos[0].Instances[0], "test", false)
	require.NoError(t, err)

	require.Eventually(t, func() bool { return recorder.count(uri) > 0 }, 10*time.Second, 50*time.Millisecond,
		"no update of the task")
	assert.Contains(t, readText(t, mcpClient, uri).Text, `"state":"cancelled"`)
}

func TestSubscribedScreenUpdatesAreThrottled(t *testing.T) {
	// The agent redraws its screen every 20 ms, so an unthrottled server
	// would send about 50 updates a second.
	pool := startOutputPool(t, `/bin/sh -c 'i=0; while [ $i -lt 1000 ]; do i=$((i+1)); echo "tick $i"; `+
		`sleep 0.02; done; sleep 30'`, executor.Options{})
	_, mcpClient, recorder := watchedServer(t, pool)
	id := spawnInstance(t, pool)
	subscribe(t, mcpClient, screenURI(id))
	const window = 2 * time.Second

	time.Sleep(window)

	updates := recorder.count(screenURI(id))
	maxUpdates := int(window/ResourceUpdateInterval) + 1
	assert.Positive(t, updates)
	assert.LessOrEqual(t, updates, maxUpdates)
}

func TestUnsubscribeStopsUpdates(t *testing.T) {
	pool := startOutputPool(t, `/bin/sh -c 'echo ready; read answer; echo changed; sleep 30'`, executor.Options{})
	srv, mcpClient, recorder := watchedServer(t, pool)
	id := spawnInstance(t, pool)
	subscribe(t, mcpClient, screenURI(id))
	req := mcp.UnsubscribeRequest{}
	req.Params.URI = screenURI(id)
	require.NoError(t, mcpClient.Unsubscribe(t.Context(), req))

	_, err := pool.Intervene(t.Context(), id, "go", []string{"enter"})
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		return strings.Contains(readText(t, mcpClient, screenURI(id)).Text, "changed")
	}, 10*time.Second, 50*time.Millisecond)
	time.Sleep(2 * ResourceUpdateInterval)

	assert.Empty(t, srv.subscribedURIs())
	assert.Zero(t, recorder.count(screenURI(id)))
}

func TestSessionEndDropsSubscriptions(t *testing.T) {
	pool := startTestPool(t)
	srv, mcpClient, _ := watchedServer(t, pool)
	subscribe(t, mcpClient, "axiom://task/anything")
	subscribe(t, mcpClient, "test://not-served")
	require.Len(t, srv.subscribedURIs(), 2)

	require.NoError(t, mcpClient.Close())

	assert.Empty(t, srv.subscribedURIs())
}

func TestSubscriptionToLaterTask(t *testing.T) {
	pool := startTestPool(t)
	_, mcpClient, recorder := watchedServer(t, pool)
	uri := "axiom://task/later"
	subscribe(t, mcpClient, uri)

	_, err := pool.Submit([]executor.TaskSpec{{Prompt: "wait", Name: "later"}})
	require.NoError(t, err)

	require.Eventually(t, func() bool { return recorder.count(uri) > 0 }, 10*time.Second, 50*time.Millisecond,
		"no update when the task appears")
}

func TestCutTail(t *testing.T) {
	assert.Equal(t, "abc", string(cutTail([]byte("abc"), 10)))
	assert.Equal(t, "bc", string(cutTail([]byte("abc"), 2)))
	assert.Equal(t, "é", string(cutTail([]byte("aé"), 2)), "whole characters only")
	assert.Equal(t, "b", string(cutTail([]byte("<b"), 5)), "< takes 6 bytes")
}
