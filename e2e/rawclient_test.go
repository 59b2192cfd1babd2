package e2e

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// rawClient speaks JSON-RPC to an axiom-mcp process over stdio line by
// line, for protocol features that the Go SDK client does not offer and for
// checks on the order of the lines the server writes.
type rawClient struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stderr *syncBuffer
	lines  chan rawMessage
	exit   chan error
	root   string

	mu     sync.Mutex
	nextID int

	// unclaimed are responses read while the test waited for others. The
	// test goroutine alone uses it.
	unclaimed []rawMessage
}

// claim removes and returns the unclaimed response to request id.
func (c *rawClient) claim(id string) (rawMessage, bool) {
	for i, msg := range c.unclaimed {
		if string(msg.ID) == id {
			c.unclaimed = append(c.unclaimed[:i], c.unclaimed[i+1:]...)
			return msg, true
		}
	}
	return rawMessage{}, false
}

// rawMessage is one line the server wrote, decoded.
type rawMessage struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
	Params json.RawMessage `json:"params"`
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
	// line is the message as written.
	line string
}

// startRawClient runs axiom-mcp with args plus a fresh workspace root and
// the test agent, and initializes a session with protocol version
// 2025-11-25, the revision that defines tool-call tasks.
func startRawClient(t *testing.T, args ...string) *rawClient {
	t.Helper()
	root := filepath.Join(t.TempDir(), "workspaces")
	args = append([]string{"--workspace-root", root, "--kill-grace", "2s", "--agent", agentBin}, args...)
	cmd := exec.Command(serverBin, args...)
	cmd.Env = os.Environ()
	c := &rawClient{cmd: cmd, stderr: &syncBuffer{}, lines: make(chan rawMessage, 1024), exit: make(chan error, 1), root: root}
	cmd.Stderr = c.stderr
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	c.stdin = stdin
	go c.read(stdout)
	go func() { c.exit <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = c.stdin.Close()
		select {
		case <-c.exit:
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
			t.Errorf("server did not exit within 20 s of stdin closing")
		}
		if t.Failed() {
			t.Logf("server stderr:\n%s", c.stderr.String())
		}
	})

	c.call(t, "initialize", map[string]any{
		"protocolVersion": "2025-11-25",
		"capabilities":    map[string]any{"tasks": map[string]any{}},
		"clientInfo":      map[string]any{"name": "raw-e2e", "version": "1"},
	})
	c.notify(t, "notifications/initialized", map[string]any{})
	return c
}

// read decodes every line of stdout into c.lines until stdout ends.
func (c *rawClient) read(stdout io.Reader) {
	defer close(c.lines)
	scanner := bufio.NewScanner(stdout)
	scanner.Buffer(make([]byte, 1<<20), 16<<20)
	for scanner.Scan() {
		msg := rawMessage{line: scanner.Text()}
		if err := json.Unmarshal(scanner.Bytes(), &msg); err != nil {
			msg.Method = "invalid JSON: " + err.Error()
		}
		c.lines <- msg
	}
}

// send writes one JSON-RPC message.
func (c *rawClient) send(t *testing.T, msg map[string]any) {
	t.Helper()
	msg["jsonrpc"] = "2.0"
	data, err := json.Marshal(msg)
	require.NoError(t, err)
	_, err = c.stdin.Write(append(data, '\n'))
	require.NoError(t, err)
}

// request sends a request and returns its id.
func (c *rawClient) request(t *testing.T, method string, params any) string {
	t.Helper()
	c.mu.Lock()
	c.nextID++
	id := c.nextID
	c.mu.Unlock()
	c.send(t, map[string]any{"id": id, "method": method, "params": params})
	return fmt.Sprint(id)
}

// notify sends a notification.
func (c *rawClient) notify(t *testing.T, method string, params any) {
	t.Helper()
	c.send(t, map[string]any{"method": method, "params": params})
}

// collect reads lines until the response to id and returns the lines read
// before it and the response.
func (c *rawClient) collect(t *testing.T, id string, timeout time.Duration) ([]rawMessage, rawMessage) {
	t.Helper()
	var before []rawMessage
	if msg, ok := c.claim(id); ok {
		return before, msg
	}
	deadline := time.After(timeout)
	for {
		select {
		case msg, open := <-c.lines:
			require.True(t, open, "server closed stdout before responding to %s", id)
			if msg.Method == "" && string(msg.ID) == id {
				return before, msg
			}
			if msg.Method == "" {
				c.unclaimed = append(c.unclaimed, msg)
			}
			before = append(before, msg)
		case <-deadline:
			t.Fatalf("no response to request %s within %s", id, timeout)
		}
	}
}

// call sends a request and returns its result; an error response fails
// the test.
func (c *rawClient) call(t *testing.T, method string, params any) json.RawMessage {
	t.Helper()
	id := c.request(t, method, params)
	_, resp := c.collect(t, id, 30*time.Second)
	require.Nil(t, resp.Error, "%s failed: %s", method, resp.line)
	return resp.Result
}

// callTool calls a tool and decodes its structured content into out; a
// tool error fails the test.
func (c *rawClient) callTool(t *testing.T, name string, args map[string]any, out any) {
	t.Helper()
	result := c.call(t, "tools/call", map[string]any{"name": name, "arguments": args})
	decodeToolResult(t, result, out)
}

// decodeToolResult decodes the structured content of a successful
// CallToolResult.
func decodeToolResult(t *testing.T, result json.RawMessage, out any) {
	t.Helper()
	var res struct {
		IsError           bool            `json:"isError"`
		StructuredContent json.RawMessage `json:"structuredContent"`
		Content           []struct {
			Text string `json:"text"`
		} `json:"content"`
	}
	require.NoError(t, json.Unmarshal(result, &res))
	require.False(t, res.IsError, "tool failed: %s", result)
	require.NoError(t, json.Unmarshal(res.StructuredContent, out), "structured content: %s", result)
}
