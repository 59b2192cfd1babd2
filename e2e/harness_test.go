// Package e2e drives the axiom-mcp binary end to end over stdio with the
// official Go MCP SDK as the client, an implementation independent of the
// mcp-go library the server is built on.
package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/require"

	"github.com/axiom-mcp/axiom-mcp/internal/testbin"
	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
	"github.com/axiom-mcp/axiom-mcp/pkg/proctree"
	"github.com/axiom-mcp/axiom-mcp/pkg/tools"
)

var serverBin, agentBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "axiom-e2e-bin-")
	if err != nil {
		panic(err)
	}
	if serverBin, err = testbin.Build(dir, testbin.Server); err != nil {
		panic(err)
	}
	if agentBin, err = testbin.Build(dir, testbin.TestAgent); err != nil {
		panic(err)
	}
	// Servers started without --state-dir keep their database here
	// rather than under the home directory.
	if err := os.Setenv("XDG_STATE_HOME", filepath.Join(dir, "state")); err != nil {
		panic(err)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// server is one axiom-mcp process and an MCP client session to it.
type server struct {
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	session *mcp.ClientSession
	root    string
	stderr  *syncBuffer

	mu    sync.Mutex
	lines []string // every line the server wrote to stdout
	logs  []*mcp.LoggingMessageParams
	exit  chan error
}

// startServer runs axiom-mcp with args plus a fresh workspace root and
// connects to it. env is added to the server's environment.
func startServer(t testing.TB, env []string, args ...string) *server {
	t.Helper()
	root := filepath.Join(t.TempDir(), "workspaces")
	// Each server gets a database of its own, so servers of other tests
	// never recover its tasks. A later --state-dir in args wins.
	state := filepath.Join(t.TempDir(), "state")
	args = append([]string{"--workspace-root", root, "--state-dir", state, "--kill-grace", "2s"}, args...)
	cmd := exec.Command(serverBin, args...)
	cmd.Env = append(os.Environ(), env...)
	s := &server{cmd: cmd, root: root, stderr: &syncBuffer{}, exit: make(chan error, 1)}
	cmd.Stderr = s.stderr
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	s.stdin = stdin
	go func() { s.exit <- cmd.Wait() }()

	clientSide, recorder := io.Pipe()
	go s.record(stdout, recorder)

	client := mcp.NewClient(&mcp.Implementation{Name: "e2e", Version: "1"}, &mcp.ClientOptions{
		LoggingMessageHandler: func(_ context.Context, req *mcp.LoggingMessageRequest) {
			s.mu.Lock()
			s.logs = append(s.logs, req.Params)
			s.mu.Unlock()
		},
	})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	session, err := client.Connect(ctx, &mcp.IOTransport{Reader: clientSide, Writer: stdin}, nil)
	require.NoError(t, err, "connect; server stderr:\n%s", s.stderr.String())
	s.session = session
	t.Cleanup(func() {
		s.stop(t)
		if t.Failed() {
			t.Logf("server stderr:\n%s", s.stderr.String())
		}
	})
	return s
}

// record copies the server's stdout to the client and keeps every line.
func (s *server) record(stdout io.Reader, w *io.PipeWriter) {
	reader := bufio.NewReaderSize(stdout, 1<<20)
	for {
		line, err := reader.ReadString('\n')
		if line != "" {
			s.mu.Lock()
			s.lines = append(s.lines, strings.TrimRight(line, "\n"))
			s.mu.Unlock()
			if _, werr := io.WriteString(w, line); werr != nil {
				err = werr
			}
		}
		if err != nil {
			_ = w.CloseWithError(err)
			return
		}
	}
}

// stop closes the server's stdin and waits for it to exit; it returns the
// exit error and how long the exit took.
func (s *server) stop(t testing.TB) (error, time.Duration) {
	t.Helper()
	start := time.Now()
	_ = s.stdin.Close()
	select {
	case err := <-s.exit:
		s.exit <- err
		return err, time.Since(start)
	case <-time.After(20 * time.Second):
		_ = s.cmd.Process.Kill()
		t.Errorf("server did not exit within 20 s of stdin closing")
		return <-s.exit, time.Since(start)
	}
}

// call calls a tool and returns the raw result.
func (s *server) call(t testing.TB, name string, args any) *mcp.CallToolResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := s.session.CallTool(ctx, &mcp.CallToolParams{Name: name, Arguments: args})
	require.NoError(t, err, "call %s", name)
	return res
}

// callOK calls a tool that must succeed and decodes its structured result.
func (s *server) callOK(t testing.TB, name string, args, out any) {
	t.Helper()
	res := s.call(t, name, args)
	require.False(t, res.IsError, "%s failed: %s", name, text(res))
	data, err := json.Marshal(res.StructuredContent)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, out))
}

// callError calls a tool that must fail and returns its message.
func (s *server) callError(t testing.TB, name string, args any) string {
	t.Helper()
	res := s.call(t, name, args)
	require.True(t, res.IsError, "%s should have failed, got %s", name, text(res))
	return text(res)
}

func text(res *mcp.CallToolResult) string {
	var parts []string
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			parts = append(parts, tc.Text)
		}
	}
	return strings.Join(parts, "\n")
}

func (s *server) status(t testing.TB, args map[string]any) tools.StatusOutput {
	t.Helper()
	var out tools.StatusOutput
	s.callOK(t, "status", args, &out)
	return out
}

// waitTasks polls status until every task is final and returns the status.
func (s *server) waitTasks(t testing.TB, timeout time.Duration) tools.StatusOutput {
	t.Helper()
	var st tools.StatusOutput
	require.Eventually(t, func() bool {
		st = s.status(t, map[string]any{"tail_lines": 5})
		return st.Pool.Queued == 0 && st.Pool.Running == 0
	}, timeout, 250*time.Millisecond, "tasks did not finish")
	return st
}

func findTask(t testing.TB, st tools.StatusOutput, id string) executor.TaskInfo {
	t.Helper()
	for _, task := range st.Tasks {
		if task.ID == id {
			return task
		}
	}
	t.Fatalf("task %s not in status", id)
	return executor.TaskInfo{}
}

// liveMembers returns the live processes of an instance's session, group
// or tree.
func liveMembers(t testing.TB, leader int) []proctree.Proc {
	t.Helper()
	table, err := proctree.Scan()
	require.NoError(t, err)
	return table.LiveMembers(leader)
}

func processGone(pid int) bool {
	return syscall.Kill(pid, 0) != nil
}

// syncBuffer is a bytes buffer safe for concurrent writes and reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// eventKinds returns the kinds of the pool events received as logging
// notifications.
func (s *server) eventKinds() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var kinds []string
	for _, msg := range s.logs {
		if data, ok := msg.Data.(map[string]any); ok {
			if kind, ok := data["kind"].(string); ok {
				kinds = append(kinds, kind)
			}
		}
	}
	return kinds
}

// eventMessages returns the messages of the pool events received as logging
// notifications.
func (s *server) eventMessages() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var messages []string
	for _, msg := range s.logs {
		if data, ok := msg.Data.(map[string]any); ok {
			if text, ok := data["message"].(string); ok {
				messages = append(messages, text)
			}
		}
	}
	return messages
}
