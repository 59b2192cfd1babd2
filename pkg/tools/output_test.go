package tools

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap/zaptest"

	"github.com/axiom-mcp/axiom-mcp/pkg/agent"
	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
)

// startOutputPool runs a pool whose agent is command, with opts, and stops
// it when the test ends. It logs to the test unless opts has a logger.
func startOutputPool(t *testing.T, command string, opts executor.Options) *executor.Pool {
	t.Helper()
	opts.Agent = agent.MustParse(command)
	opts.WorkspaceRoot = filepath.Join(t.TempDir(), "workspaces")
	opts.TickInterval = 100 * time.Millisecond
	opts.KillGrace = time.Second
	if opts.Logger == nil {
		opts.Logger = zaptest.NewLogger(t)
	}
	pool, err := executor.New(opts)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = pool.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return pool
}

// spawnInstance queues one task and returns the id of its instance.
func spawnInstance(t *testing.T, pool *executor.Pool) string {
	t.Helper()
	infos, err := pool.Submit([]executor.TaskSpec{{Prompt: "test"}})
	require.NoError(t, err)
	require.NotEmpty(t, infos[0].Instances, "a slot is free, so the task starts at once")
	return infos[0].Instances[0]
}

// callOutput calls the output tool and returns its raw result.
func callOutput(t *testing.T, mcpClient *client.Client, args map[string]any) *mcp.CallToolResult {
	t.Helper()
	req := mcp.CallToolRequest{}
	req.Params.Name = "output"
	req.Params.Arguments = args
	result, err := mcpClient.CallTool(t.Context(), req)
	require.NoError(t, err)
	return result
}

// readOutput calls the output tool and decodes a successful result.
func readOutput(t *testing.T, mcpClient *client.Client, args map[string]any) OutputResult {
	t.Helper()
	result := callOutput(t, mcpClient, args)
	require.False(t, result.IsError, "result: %s", resultText(result))
	data, err := json.Marshal(result.StructuredContent)
	require.NoError(t, err)
	var out OutputResult
	require.NoError(t, json.Unmarshal(data, &out))
	return out
}

// awaitOutput polls the output tool until done accepts the result.
func awaitOutput(t *testing.T, mcpClient *client.Client, args map[string]any, done func(OutputResult) bool) OutputResult {
	t.Helper()
	var out OutputResult
	require.Eventually(t, func() bool {
		out = readOutput(t, mcpClient, args)
		return done(out)
	}, 10*time.Second, 50*time.Millisecond, "last result: %+v", out)
	return out
}

func TestOutputScreen(t *testing.T) {
	pool := startOutputPool(t, `/bin/sh -c 'printf "first\r\n\033[1msecond\033[0m\r\n"; sleep 30'`, executor.Options{})
	mcpClient := connect(t, pool, Options{})
	id := spawnInstance(t, pool)

	out := awaitOutput(t, mcpClient, map[string]any{"instance_id": id}, func(o OutputResult) bool {
		return strings.Contains(o.Text, "second")
	})

	assert.Equal(t, "first\nsecond", out.Text)
	assert.Equal(t, sourceScreen, out.Source)
	assert.Equal(t, int64(0), out.Cursor)
	assert.Equal(t, int64(len("first\nsecond")), out.NextCursor)
	assert.Equal(t, out.NextCursor, out.TotalBytes)
	assert.False(t, out.Truncated)
	assert.Equal(t, "working", out.State)
}

func TestOutputScreenPage(t *testing.T) {
	pool := startOutputPool(t, `/bin/sh -c 'printf "first\r\nsecond\r\n"; sleep 30'`, executor.Options{})
	mcpClient := connect(t, pool, Options{})
	id := spawnInstance(t, pool)
	awaitOutput(t, mcpClient, map[string]any{"instance_id": id}, func(o OutputResult) bool {
		return strings.Contains(o.Text, "second")
	})

	out := readOutput(t, mcpClient, map[string]any{"instance_id": id, "cursor": 3, "max_bytes": 5})

	assert.Equal(t, "st\nse", out.Text)
	assert.Equal(t, int64(3), out.Cursor)
	assert.Equal(t, int64(8), out.NextCursor)
	assert.True(t, out.Truncated)
}

func TestOutputTranscriptPages(t *testing.T) {
	pool := startOutputPool(t, `/bin/sh -c 'for i in $(seq 1 300); do echo "line $i"; done; sleep 30'`,
		executor.Options{})
	mcpClient := connect(t, pool, Options{})
	id := spawnInstance(t, pool)
	var want strings.Builder
	for i := 1; i <= 300; i++ {
		fmt.Fprintf(&want, "line %d\n", i)
	}
	awaitOutput(t, mcpClient, map[string]any{"instance_id": id, "source": "transcript"}, func(o OutputResult) bool {
		return o.TotalBytes == int64(want.Len())
	})

	var got strings.Builder
	cursor, pages := int64(0), 0
	for {
		out := readOutput(t, mcpClient, map[string]any{
			"instance_id": id, "source": "transcript", "cursor": cursor, "max_bytes": 1000,
		})
		require.LessOrEqual(t, len(out.Text), 1000)
		require.Equal(t, cursor, out.Cursor)
		got.WriteString(out.Text)
		pages++
		cursor = out.NextCursor
		if !out.Truncated {
			break
		}
	}

	assert.Equal(t, want.String(), got.String())
	assert.Equal(t, (want.Len()+999)/1000, pages)
}

func TestOutputTranscriptFollows(t *testing.T) {
	pool := startOutputPool(t, `/bin/sh -c 'echo first; read answer; echo second; sleep 30'`, executor.Options{})
	mcpClient := connect(t, pool, Options{})
	id := spawnInstance(t, pool)
	args := map[string]any{"instance_id": id, "source": "transcript"}
	first := awaitOutput(t, mcpClient, args, func(o OutputResult) bool { return o.Text == "first\n" })
	_, err := pool.Intervene(t.Context(), id, "go", []string{"enter"})
	require.NoError(t, err)

	args["cursor"] = first.NextCursor
	next := awaitOutput(t, mcpClient, args, func(o OutputResult) bool { return strings.Contains(o.Text, "second") })

	assert.NotContains(t, next.Text, "first")
	assert.Equal(t, first.NextCursor, next.Cursor)
	assert.Equal(t, next.TotalBytes, next.NextCursor)
}

func TestOutputTranscriptDroppedStart(t *testing.T) {
	pool := startOutputPool(t, `/bin/sh -c 'for i in $(seq 1 300); do echo "line $i"; done; sleep 30'`,
		executor.Options{TranscriptBytes: 1024})
	mcpClient := connect(t, pool, Options{})
	id := spawnInstance(t, pool)
	args := map[string]any{"instance_id": id, "source": "transcript"}

	out := awaitOutput(t, mcpClient, args, func(o OutputResult) bool { return strings.HasSuffix(o.Text, "line 300\n") })

	assert.Positive(t, out.OldestCursor)
	assert.Equal(t, out.OldestCursor, out.Cursor)
	assert.Equal(t, out.OldestCursor, out.SkippedBytes)
	assert.Len(t, out.Text, 1024)
	assert.False(t, out.Truncated)
}

func TestOutputEndedInstance(t *testing.T) {
	pool := startOutputPool(t, `/bin/sh -c 'echo bye'`, executor.Options{})
	mcpClient := connect(t, pool, Options{})
	id := spawnInstance(t, pool)

	out := awaitOutput(t, mcpClient, map[string]any{"instance_id": id, "source": "transcript"},
		func(o OutputResult) bool { return o.State == "exited" })

	assert.Equal(t, "bye\n", out.Text)
}

func TestMCP07ResultBudget(t *testing.T) {
	// Every '<' takes 6 bytes in JSON (\u003c), so 60000 of them would not fit.
	pool := startOutputPool(t, `/bin/sh -c 'head -c 70000 /dev/zero | tr "\0" "<"; sleep 30'`, executor.Options{})
	mcpClient := connect(t, pool, Options{})
	id := spawnInstance(t, pool)
	args := map[string]any{"instance_id": id, "source": "transcript"}
	awaitOutput(t, mcpClient, args, func(o OutputResult) bool { return o.TotalBytes == 70000 })

	result := callOutput(t, mcpClient, args)
	structured, err := json.Marshal(result.StructuredContent)
	require.NoError(t, err)
	var out OutputResult
	require.NoError(t, json.Unmarshal(structured, &out))

	assert.LessOrEqual(t, len(structured), ResultBudget)
	assert.True(t, out.Truncated)
	assert.Equal(t, int64(len(out.Text)), out.NextCursor)
	assert.Greater(t, len(out.Text), 9000, "the page is cut by its encoded size, not emptied")
}

func TestOutputToolErrors(t *testing.T) {
	pool := startOutputPool(t, `/bin/sh -c 'echo hello; sleep 30'`, executor.Options{})
	mcpClient := connect(t, pool, Options{})
	id := spawnInstance(t, pool)
	awaitOutput(t, mcpClient, map[string]any{"instance_id": id, "source": "transcript"},
		func(o OutputResult) bool { return o.TotalBytes == 6 })
	// The screen is rendered after the bytes arrive, off the read path.
	awaitOutput(t, mcpClient, map[string]any{"instance_id": id, "source": "screen"},
		func(o OutputResult) bool { return o.TotalBytes == 5 })
	cases := []struct {
		name string
		args map[string]any
		want string
	}{
		{name: "empty instance", args: map[string]any{"instance_id": " "}, want: "instance_id is empty"},
		{name: "unknown instance", args: map[string]any{"instance_id": "i-nope"}, want: `"i-nope": call status to list instance ids; the output of an instance of an earlier server run is in its transcript files, which axiom-mcp logs ID prints`},
		{name: "negative cursor", args: map[string]any{"instance_id": id, "cursor": -1}, want: "cursor -1 is negative"},
		{
			name: "transcript cursor past end",
			args: map[string]any{"instance_id": id, "source": "transcript", "cursor": 7},
			want: "cursor 7 is past the end of the transcript, which has 6 bytes",
		},
		{
			name: "screen cursor past end",
			args: map[string]any{"instance_id": id, "cursor": 99},
			want: "cursor 99 is past the end of the screen, which has 5 bytes",
		},
		{name: "unknown source", args: map[string]any{"instance_id": id, "source": "log"}, want: `source "log" is unknown: use screen or transcript`},
		{name: "max_bytes too large", args: map[string]any{"instance_id": id, "max_bytes": 60001}, want: "max_bytes 60001 is out of range: use 1 to 60000"},
		{name: "negative max_bytes", args: map[string]any{"instance_id": id, "max_bytes": -1}, want: "max_bytes -1 is out of range"},
		{name: "unknown argument", args: map[string]any{"instance_id": id, "offset": 3}, want: `unknown field "offset"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			result := callOutput(t, mcpClient, tc.args)

			assert.True(t, result.IsError)
			assert.Contains(t, resultText(result), tc.want)
		})
	}
}

func TestCutPage(t *testing.T) {
	cases := []struct {
		name   string
		data   string
		limit  int
		budget int
		want   string
	}{
		{name: "fits", data: "abc", limit: 10, budget: 10, want: "abc"},
		{name: "byte limit", data: "abcdef", limit: 4, budget: 100, want: "abcd"},
		{name: "character boundary", data: "aé", limit: 2, budget: 100, want: "a"},
		{name: "encoded budget", data: "a<b", limit: 10, budget: 6, want: "a"},
		{name: "escaped quote", data: `"x`, limit: 10, budget: 3, want: `"x`},
		{name: "incomplete character", data: "ab\xe2\x94", limit: 10, budget: 100, want: "ab"},
		{name: "invalid byte", data: "a\xffb", limit: 10, budget: 100, want: "a\xffb"},
		{name: "character over the limit moves on", data: "😀x", limit: 1, budget: 100, want: "😀"},
		{name: "escape over the budget moves on", data: "<x", limit: 10, budget: 2, want: "<"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, string(cutPage([]byte(tc.data), tc.limit, tc.budget)))
		})
	}
}

func TestJSONCostMatchesEncoding(t *testing.T) {
	for _, text := range []string{"a", "é", "✳", "\"", "\\", "\n", "\x01", "<", "&", "\u2028", "\xff"} {
		encoded, err := json.Marshal(text)
		require.NoError(t, err)
		r, n := []rune(text)[0], len(text)
		if text == "\xff" {
			r = 0xfffd
		}

		assert.Equal(t, len(encoded)-2, jsonCost(r, n), "text %q", text)
	}
}

func TestRuneStartSkipsContinuation(t *testing.T) {
	assert.Equal(t, 0, runeStart([]byte("abc")))
	assert.Equal(t, 2, runeStart([]byte("\x94\x80x")), "the tail of ─ is skipped")
	assert.Equal(t, 3, runeStart([]byte("\x80\x80\x80\x80")), "at most three bytes are skipped")
}
