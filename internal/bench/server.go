package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/axiom-mcp/axiom-mcp/pkg/tools"
)

// serverStopTimeout bounds the wait for the server to exit after its stdin
// closes. The server ends its agents and exits within 10 s of that.
const serverStopTimeout = 15 * time.Second

// mcpServer is one `axiom-mcp serve` process and an mcp-go client connected
// to its stdin and stdout, as an MCP client application runs the server.
type mcpServer struct {
	cmd    *exec.Cmd
	client *client.Client
	// root is the workspace root, the directory the agents run under.
	root    string
	logPath string
	exited  chan struct{}
	waitErr error
}

// serverArgs returns the flags of a benchmark server under dir. Agents are
// the test agent through the command profile. The kill thresholds lie far
// beyond any benchmark's length, so no instance is killed while it is
// measured.
func serverArgs(env *Env, dir string, maxInstances int) []string {
	return []string{
		"--workspace-root", filepath.Join(dir, "workspaces"),
		"--state-dir", filepath.Join(dir, "state"),
		"--transcript-dir", filepath.Join(dir, "transcripts"),
		"--log-file", filepath.Join(dir, "server.log"),
		"--log-level", "warn",
		"--agent", env.TestAgent,
		"--max-instances", strconv.Itoa(maxInstances),
		"--idle-timeout", "1h",
		"--unproductive-after", "1h",
		"--input-timeout", "1h",
		"--kill-grace", "2s",
	}
}

// startServer starts env.Server with serverArgs under env.Dir and
// initializes an MCP session with it. The caller must call stop, which
// ends the server and every agent it started.
func startServer(ctx context.Context, env *Env, maxInstances int) (*mcpServer, error) {
	args := append([]string{"serve"}, serverArgs(env, env.Dir, maxInstances)...)
	cmd := exec.Command(env.Server, args...)
	// Without a HOME and XDG directories of its own the server would read
	// and write the user's configuration.
	cmd.Env = append(os.Environ(), "HOME="+filepath.Join(env.Dir, "home"),
		"XDG_STATE_HOME="+filepath.Join(env.Dir, "xdg-state"), "XDG_CONFIG_HOME="+filepath.Join(env.Dir, "xdg-config"))
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("create the stdin pipe of %s: %w", env.Server, err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("create the stdout pipe of %s: %w", env.Server, err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", env.Server, err)
	}
	s := &mcpServer{cmd: cmd, root: filepath.Join(env.Dir, "workspaces"),
		logPath: filepath.Join(env.Dir, "server.log"), exited: make(chan struct{})}
	go func() {
		s.waitErr = cmd.Wait()
		close(s.exited)
	}()
	if err := s.connect(ctx, stdout, stdin); err != nil {
		return nil, errors.Join(err, s.stop())
	}
	return s, nil
}

// connect initializes the session with protocol revision 2025-11-25, the
// latest that still has ping, which the status benchmark needs as its
// baseline.
func (s *mcpServer) connect(ctx context.Context, stdout io.Reader, stdin io.WriteCloser) error {
	s.client = client.NewClient(transport.NewIO(stdout, stdin, nil), client.WithLegacyProtocolOnly())
	if err := s.client.Start(ctx); err != nil {
		return fmt.Errorf("start the MCP client of server pid %d: %w", s.PID(), err)
	}
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	req := mcp.InitializeRequest{}
	req.Params.ProtocolVersion = mcp.LATEST_LEGACY_PROTOCOL_VERSION
	req.Params.ClientInfo = mcp.Implementation{Name: "axiom-bench", Version: "1"}
	res, err := s.client.Initialize(ctx, req)
	if err != nil {
		return fmt.Errorf("initialize MCP with server pid %d (log %s): %w", s.PID(), s.logPath, err)
	}
	if res.ProtocolVersion != mcp.LATEST_LEGACY_PROTOCOL_VERSION {
		return fmt.Errorf("server pid %d chose protocol %s instead of %s, and ping does not exist in that revision",
			s.PID(), res.ProtocolVersion, mcp.LATEST_LEGACY_PROTOCOL_VERSION)
	}
	return nil
}

// PID returns the server's process id.
func (s *mcpServer) PID() int {
	return s.cmd.Process.Pid
}

// call calls tool name with args and returns its result, failing on a
// transport error or a result with isError set.
func (s *mcpServer) call(ctx context.Context, name string, args any) (*mcp.CallToolResult, error) {
	req := mcp.CallToolRequest{}
	req.Params.Name = name
	req.Params.Arguments = args
	res, err := s.client.CallTool(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("call %s on server pid %d: %w", name, s.PID(), err)
	}
	if res.IsError {
		return nil, fmt.Errorf("tool %s failed: %s", name, resultText(res))
	}
	return res, nil
}

// callInto calls tool name and decodes its structured result into out.
func (s *mcpServer) callInto(ctx context.Context, name string, args, out any) error {
	res, err := s.call(ctx, name, args)
	if err != nil {
		return err
	}
	return decodeStructured(res, out)
}

func decodeStructured(res *mcp.CallToolResult, out any) error {
	data := []byte(res.RawStructuredContent)
	if len(data) == 0 {
		var err error
		if data, err = json.Marshal(res.StructuredContent); err != nil {
			return fmt.Errorf("encode the structured result again: %w", err)
		}
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("decode the structured result %.200s: %w", data, err)
	}
	return nil
}

func resultText(res *mcp.CallToolResult) string {
	text := ""
	for _, c := range res.Content {
		if tc, ok := mcp.AsTextContent(c); ok {
			text += tc.Text
		}
	}
	return text
}

// spawn queues one task per prompt in a single spawn call.
func (s *mcpServer) spawn(ctx context.Context, prompts []string) (tools.SpawnOutput, error) {
	tasks := make([]tools.SpawnTask, len(prompts))
	for i, prompt := range prompts {
		tasks[i] = tools.SpawnTask{Prompt: prompt}
	}
	var out tools.SpawnOutput
	err := s.callInto(ctx, "spawn", tools.SpawnInput{Tasks: tasks}, &out)
	return out, err
}

func repeatPrompt(prompt string, n int) []string {
	prompts := make([]string, n)
	for i := range prompts {
		prompts[i] = prompt
	}
	return prompts
}

// status calls the status tool with args.
func (s *mcpServer) status(ctx context.Context, args map[string]any) (tools.StatusOutput, error) {
	var out tools.StatusOutput
	err := s.callInto(ctx, "status", args, &out)
	return out, err
}

// waitOutput polls status until exactly want instances run and each has
// printed, and returns the last status. It fails when a task ended, because
// the benchmarks count on every instance running to the end.
func (s *mcpServer) waitOutput(ctx context.Context, want int, timeout time.Duration) (tools.StatusOutput, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	args := map[string]any{"state": "running", "limit": 500, "tail_lines": 0}
	for {
		st, err := s.status(ctx, args)
		if err != nil {
			return st, err
		}
		if ended := st.Pool.Succeeded + st.Pool.Failed + st.Pool.Cancelled + st.Pool.Blocked; ended > 0 {
			return st, fmt.Errorf("%d tasks ended while the benchmark needs them running: see %s", ended, s.logPath)
		}
		if st.Pool.Running == want && printedAll(st, want) {
			return st, nil
		}
		select {
		case <-ctx.Done():
			return st, fmt.Errorf("timed out waiting for %d running instances with output, %d running: %w",
				want, st.Pool.Running, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// printedAll reports whether st lists want instances and each has printed.
func printedAll(st tools.StatusOutput, want int) bool {
	printed := 0
	for _, inst := range st.Instances {
		if inst.OutputBytes > 0 {
			printed++
		}
	}
	return printed == want
}

// stop closes the server's stdin and waits for it to exit, which ends its
// agents. It kills a server that does not exit within serverStopTimeout and
// any process left under the workspace root, and reports either as an
// error.
func (s *mcpServer) stop() error {
	var errs []error
	if s.client != nil {
		if err := s.client.Close(); err != nil {
			errs = append(errs, fmt.Errorf("close the stdin of server pid %d: %w", s.PID(), err))
		}
	} else if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		errs = append(errs, fmt.Errorf("stop server pid %d: %w", s.PID(), err))
	}
	select {
	case <-s.exited:
		if s.waitErr != nil {
			errs = append(errs, fmt.Errorf("server pid %d exited with %w: see %s", s.PID(), s.waitErr, s.logPath))
		}
	case <-time.After(serverStopTimeout):
		_ = s.cmd.Process.Kill()
		<-s.exited
		errs = append(errs, fmt.Errorf("server pid %d did not exit within %s of its stdin closing, so it was killed",
			s.PID(), serverStopTimeout))
	}
	if err := killLeftovers(s.root); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
