package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"go.uber.org/zap"

	"github.com/axiom-mcp/axiom-mcp/pkg/proctree"
)

// cpuServerExitWait bounds the wait for axiom-mcp to exit after its stdin
// closes. It ends its instances before it exits, and the default kill grace
// between SIGTERM and SIGKILL is 5 s.
const cpuServerExitWait = 30 * time.Second

// cpuServer is one axiom-mcp process serving MCP over stdio, and a client
// session to it.
type cpuServer struct {
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	session *mcp.ClientSession
	stderr  *cpuServerLog
	log     *zap.Logger
	// exited is closed when cmd.Wait has returned and waitErr is set.
	exited  chan struct{}
	waitErr error
}

// startCPUServer starts `axiom-mcp serve` with args and extraEnv added to
// this process's environment, and connects an MCP client to it.
func startCPUServer(ctx context.Context, env *Env, extraEnv []string, args ...string) (*cpuServer, error) {
	cmd := exec.Command(env.Server, append([]string{"serve"}, args...)...)
	cmd.Env = append(os.Environ(), extraEnv...)
	s := &cpuServer{cmd: cmd, stderr: &cpuServerLog{}, log: env.Log, exited: make(chan struct{})}
	cmd.Stderr = s.stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("make the stdin pipe of %s: %w", env.Server, err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("make the stdout pipe of %s: %w", env.Server, err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", env.Server, err)
	}
	go func() {
		s.waitErr = cmd.Wait()
		close(s.exited)
	}()

	client := mcp.NewClient(&mcp.Implementation{Name: "axiom-bench", Version: "1"}, nil)
	connectCtx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	session, err := client.Connect(connectCtx, &mcp.IOTransport{Reader: stdout, Writer: stdin}, nil)
	if err != nil {
		_ = stdin.Close()
		s.awaitExit()
		return nil, fmt.Errorf("connect to %s over stdio: %w. Its stderr ends with:\n%s", env.Server, err, s.stderr)
	}
	s.stdin, s.session = stdin, session
	return s, nil
}

// pid returns the server's process id.
func (s *cpuServer) pid() int { return s.cmd.Process.Pid }

// call calls the tool name with args and decodes its structured result into
// out. A tool error is returned as an error.
func (s *cpuServer) call(ctx context.Context, name string, args, out any) error {
	res, err := s.session.CallTool(ctx, &mcp.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		return fmt.Errorf("call the %s tool: %w", name, err)
	}
	if res.IsError {
		return fmt.Errorf("the %s tool failed: %s", name, toolText(res))
	}
	data, err := json.Marshal(res.StructuredContent)
	if err != nil {
		return fmt.Errorf("encode the result of the %s tool: %w", name, err)
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("decode the result of the %s tool: %w", name, err)
	}
	return nil
}

// stop closes the server's stdin, which makes it end its instances and
// exit, and waits for the exit. A server that outlives cpuServerExitWait is
// killed. Every agent process that was alive when stop began and survives
// the server is killed too, so the benchmark leaves nothing behind.
func (s *cpuServer) stop() error {
	leftovers := s.agentProcesses()
	// Only stdin closes before the exit, because a server that writes to a
	// closed stdout pipe could die of SIGPIPE.
	_ = s.stdin.Close()
	err := s.awaitExit()
	_ = s.session.Close()
	s.killLeftovers(leftovers)
	return err
}

// awaitExit waits for the server to exit, killing it after
// cpuServerExitWait, and returns an error unless it exited with status 0.
func (s *cpuServer) awaitExit() error {
	select {
	case <-s.exited:
	case <-time.After(cpuServerExitWait):
		s.log.Warn("axiom-mcp did not exit after its stdin closed, so it is killed",
			zap.Int("pid", s.pid()), zap.Duration("waited", cpuServerExitWait))
		_ = s.cmd.Process.Kill()
		<-s.exited
		return fmt.Errorf("axiom-mcp (pid %d) did not exit within %s of its stdin closing and was killed",
			s.pid(), cpuServerExitWait)
	}
	if s.waitErr != nil {
		return fmt.Errorf("axiom-mcp (pid %d) exited with %w. Its stderr ends with:\n%s", s.pid(), s.waitErr, s.stderr)
	}
	return nil
}

// agentProcesses returns the server's children and everything in their
// sessions, groups and trees, as the server's instances are.
func (s *cpuServer) agentProcesses() []proctree.Key {
	table, err := proctree.Scan()
	if err != nil {
		s.log.Warn("list the agents of axiom-mcp failed", zap.Int("pid", s.pid()), zap.Error(err))
		return nil
	}
	var keys []proctree.Key
	for _, proc := range table {
		if proc.PPID != s.pid() {
			continue
		}
		for _, member := range table.Members(proc.PID) {
			keys = append(keys, member.Key())
		}
	}
	return keys
}

// killLeftovers kills each process of keys that is still alive.
func (s *cpuServer) killLeftovers(keys []proctree.Key) {
	if len(keys) == 0 {
		return
	}
	table, err := proctree.Scan()
	if err != nil {
		s.log.Warn("check for agent processes left behind failed", zap.Error(err))
		return
	}
	for _, key := range keys {
		if !table.Alive(key) {
			continue
		}
		s.log.Warn("agent process outlived axiom-mcp, so it is killed",
			zap.Int("pid", key.PID), zap.String("command", table[key.PID].Comm))
		if err := syscall.Kill(key.PID, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
			s.log.Warn("kill a leftover agent process failed", zap.Int("pid", key.PID), zap.Error(err))
		}
	}
}

// toolText joins the text content of a tool result.
func toolText(res *mcp.CallToolResult) string {
	var parts []string
	for _, content := range res.Content {
		if text, ok := content.(*mcp.TextContent); ok {
			parts = append(parts, text.Text)
		}
	}
	return strings.Join(parts, "\n")
}

// cpuServerLogMax is how many bytes of the server's stderr are kept for
// error messages.
const cpuServerLogMax = 4096

// cpuServerLog keeps the last cpuServerLogMax bytes written to it. It is
// safe for concurrent use.
type cpuServerLog struct {
	mu   sync.Mutex
	tail []byte
}

// Write appends p and drops the oldest bytes past the limit.
func (l *cpuServerLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.tail = append(l.tail, p...)
	if extra := len(l.tail) - cpuServerLogMax; extra > 0 {
		l.tail = append(l.tail[:0], l.tail[extra:]...)
	}
	return len(p), nil
}

// String returns the bytes kept.
func (l *cpuServerLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return string(l.tail)
}
