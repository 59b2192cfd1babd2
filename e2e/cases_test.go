package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/axiom-mcp/axiom-mcp/pkg/claudecode"
	"github.com/axiom-mcp/axiom-mcp/pkg/tools"
)

// responsesFor reads the server's lines until it has the responses to every
// id in ids, and returns them by id.
func (c *rawClient) responsesFor(t *testing.T, ids []string, timeout time.Duration) map[string]rawMessage {
	t.Helper()
	found := make(map[string]rawMessage)
	for _, id := range ids {
		if msg, ok := c.claim(id); ok {
			found[id] = msg
		}
	}
	deadline := time.After(timeout)
	for len(found) < len(ids) {
		select {
		case msg, open := <-c.lines:
			require.True(t, open, "server closed stdout with %d of %d responses", len(found), len(ids))
			if msg.Method != "" {
				continue
			}
			if slices.Contains(ids, string(msg.ID)) {
				found[string(msg.ID)] = msg
			} else {
				c.unclaimed = append(c.unclaimed, msg)
			}
		case <-deadline:
			t.Fatalf("only %d of %d responses within %s", len(found), len(ids), timeout)
		}
	}
	return found
}

func TestMCP03LargeMessages(t *testing.T) {
	c := startRawClient(t, "--tick", "100ms")
	// The test agent takes its prompt as one command-line argument, which
	// the server limits to 100 KiB, so the 2 MB request gets a tool error
	// that names the limit: the transport read and parsed the whole line.
	prompt := strings.Repeat("write the file. ", 2<<20/16)
	result := c.call(t, "tools/call", map[string]any{"name": "spawn",
		"arguments": map[string]any{"prompt": prompt}})
	var spawn struct {
		IsError bool `json:"isError"`
		Content []struct {
			Text string `json:"text"`
		} `json:"content"`
	}
	require.NoError(t, json.Unmarshal(result, &spawn))
	require.True(t, spawn.IsError)
	require.Len(t, spawn.Content, 1)
	assert.Contains(t, spawn.Content[0].Text, "prompt is 2097152 bytes, over the limit")

	_, ping := c.collect(t, c.request(t, "ping", map[string]any{}), 10*time.Second)
	assert.Nil(t, ping.Error, "the connection still works")

	// The server's own stream-json parser reads a 2 MB line whole.
	stream := claudecode.NewStream()
	record, err := json.Marshal(map[string]any{"type": "assistant", "message": map[string]any{
		"content": []map[string]any{{"type": "tool_use", "id": "t1", "name": "Write",
			"input": map[string]any{"file_path": "big.txt", "content": prompt}}},
	}})
	require.NoError(t, err)
	_, _ = stream.Write(append(record, '\r', '\n'))
	update := stream.Take()
	require.Len(t, update.Tools, 1)
	assert.Equal(t, "big.txt", update.Tools[0].Path)
}

func TestMCP03RequestAboveCapRejected(t *testing.T) {
	c := startRawClient(t, "--tick", "100ms")
	// 9 MB is over the default cap of 8 MiB on one message.
	id := c.request(t, "tools/call", map[string]any{"name": "spawn",
		"arguments": map[string]any{"prompt": strings.Repeat("x", 9_000_000)}})
	_, resp := c.collect(t, id, 30*time.Second)
	require.NotNil(t, resp.Error, "the request over the cap gets an error: %.300s", resp.line)
	assert.Equal(t, -32600, resp.Error.Code)
	assert.Contains(t, resp.Error.Message, "is over the cap of 8388608 bytes (8 MiB) on one JSON-RPC message")
	assert.Contains(t, resp.Error.Message, "--max-message-size")

	_, ping := c.collect(t, c.request(t, "ping", map[string]any{}), 10*time.Second)
	assert.Nil(t, ping.Error, "the connection still works")
	assert.Contains(t, c.stderr.String(), "JSON-RPC message over the size cap dropped")

	// The server drops a line over the cap as it arrives: a 64 MiB line
	// raises its peak memory by far less than the line's size.
	before := peakRSS(t, c.cmd.Process.Pid)
	line := `{"jsonrpc":"2.0","id":"big","method":"ping","params":{"pad":"` + strings.Repeat("y", 64<<20) + "\"}}\n"
	_, err := io.WriteString(c.stdin, line)
	require.NoError(t, err)
	_, big := c.collect(t, `"big"`, 30*time.Second)
	require.NotNil(t, big.Error, "the 64 MiB line gets an error")
	assert.Contains(t, big.Error.Message, fmt.Sprintf("message of %d bytes", len(line)-1))
	grown := peakRSS(t, c.cmd.Process.Pid) - before
	assert.Less(t, grown, int64(32<<20), "peak RSS grew by %d MiB for a 64 MiB line", grown>>20)
	t.Logf("peak RSS %d MiB before the 64 MiB line, grown by %d MiB", before>>20, grown>>20)

	_, ping = c.collect(t, c.request(t, "ping", map[string]any{}), 10*time.Second)
	assert.Nil(t, ping.Error, "the connection still works")
}

func TestMCP05CallsReturnWithinBound(t *testing.T) {
	c := startRawClient(t, "--tick", "100ms")
	start := time.Now()
	var spawned tools.SpawnOutput
	c.callTool(t, "spawn", map[string]any{"prompt": "silent"}, &spawned)
	assert.Less(t, time.Since(start), 5*time.Second, "spawn does not wait for the agent")
	require.Len(t, spawned.Tasks, 1)

	start = time.Now()
	var out tools.WaitOutput
	c.callTool(t, "wait", map[string]any{"task_ids": []string{spawned.Tasks[0].TaskID}, "timeout_seconds": 1}, &out)
	assert.Less(t, time.Since(start), 10*time.Second, "wait returns at its bound")
	assert.False(t, out.Done)
	require.Len(t, out.Running, 1)
	assert.Equal(t, "running", out.Running[0].State)

	resp := c.call(t, "tools/call", map[string]any{"name": "wait",
		"arguments": map[string]any{"timeout_seconds": 100000}})
	var result struct {
		IsError bool `json:"isError"`
	}
	require.NoError(t, json.Unmarshal(resp, &result))
	assert.True(t, result.IsError, "a wait above the server's maximum is rejected")
}

func TestMCP09NoHeadOfLineBlocking(t *testing.T) {
	c := startRawClient(t, "--tick", "100ms")
	var spawned tools.SpawnOutput
	c.callTool(t, "spawn", map[string]any{"prompt": "silent"}, &spawned)
	require.Len(t, spawned.Tasks, 1)
	task := spawned.Tasks[0]
	require.NotEmpty(t, task.InstanceID)

	// mcp-go runs tools/call on a fixed number of workers, five by default
	// when the server sets no other size, so six waits would fill them.
	waits := make([]string, 6)
	for i := range waits {
		waits[i] = c.request(t, "tools/call", map[string]any{"name": "wait",
			"arguments": map[string]any{"task_ids": []string{task.TaskID}, "timeout_seconds": 60}})
	}
	_, ping := c.collect(t, c.request(t, "ping", map[string]any{}), 5*time.Second)
	assert.Nil(t, ping.Error)
	status := c.request(t, "tools/call", map[string]any{"name": "status", "arguments": map[string]any{}})
	statusResp := c.responsesFor(t, []string{status}, 5*time.Second)
	assert.Nil(t, statusResp[status].Error, "status answers while the waits are pending")

	kill := c.request(t, "tools/call", map[string]any{"name": "kill",
		"arguments": map[string]any{"instance_id": task.InstanceID, "requeue": false}})
	killResp := c.responsesFor(t, []string{kill}, 5*time.Second)
	assert.Nil(t, killResp[kill].Error, "kill answers while the waits are pending")

	for id, resp := range c.responsesFor(t, waits, 20*time.Second) {
		var out tools.WaitOutput
		decodeToolResult(t, resp.Result, &out)
		assert.True(t, out.Done, "wait %s ended with the killed task", id)
	}
}
