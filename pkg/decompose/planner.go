package decompose

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"go.uber.org/zap"
)

// DefaultTimeout bounds a planner run when Planner.Timeout is zero.
const DefaultTimeout = 5 * time.Minute

// maxStdoutBytes bounds the planner output kept in memory. A plan of
// hundreds of tasks fits in a small fraction of it.
const maxStdoutBytes = 16 << 20

// stderrTailBytes is how much of the end of the planner's standard error an
// error message quotes.
const stderrTailBytes = 2048

// Planner requests a plan from an agent CLI. The CLI runs once per goal, in print
// mode, with standard input from /dev/null.
type Planner struct {
	// Command is the CLI and its arguments.
	Command Command
	// Dir is the working directory of the CLI, which it may read to plan.
	// Empty means the current directory.
	Dir string
	// Env is added to the environment of the current process.
	Env []string
	// Timeout bounds one run. Zero means DefaultTimeout.
	Timeout time.Duration
	// Logger receives a line when a run starts and ends. Nil means no logs.
	Logger *zap.Logger
}

// Plan runs the CLI with a prompt that requests a plan of goal, decodes
// the plan from its output and validates it. When the decoded plan is invalid,
// Plan returns it together with an error that wraps *InvalidPlanError.
func (p *Planner) Plan(ctx context.Context, goal string) (Plan, error) {
	if strings.TrimSpace(goal) == "" {
		return Plan{}, errors.New("the goal is empty: describe the work to plan")
	}
	if p.Command.Program == "" {
		return Plan{}, errors.New("the planner has no program: set Command.Program, for example with ClaudeCommand")
	}
	schema, err := SchemaJSON()
	if err != nil {
		return Plan{}, err
	}
	stdout, err := p.run(ctx, p.Command.argv(plannerPrompt(goal, schema), schema))
	if err != nil {
		return Plan{}, err
	}
	data, err := planData(p.Command.Output, stdout)
	if err != nil {
		return Plan{}, fmt.Errorf("agent planner %s: %w", p.Command.Program, err)
	}
	plan, err := Decode(data)
	if err != nil {
		return Plan{}, fmt.Errorf("agent planner %s: %w", p.Command.Program, err)
	}
	if err := plan.Validate(); err != nil {
		return plan, fmt.Errorf("the plan from agent planner %s failed validation, so nothing was queued: %w",
			p.Command.Program, err)
	}
	return plan, nil
}

// run starts the CLI, waits for it and returns its standard output. The CLI
// gets its own process group so that a timeout ends any helper it started.
func (p *Planner) run(ctx context.Context, args []string) ([]byte, error) {
	timeout := p.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	cmd := exec.CommandContext(ctx, p.Command.Program, args...)
	cmd.Dir = p.Dir
	cmd.Env = append(os.Environ(), p.Env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	stdout := &cappedBuffer{max: maxStdoutBytes}
	stderr := &tailBuffer{max: stderrTailBytes}
	cmd.Stdout, cmd.Stderr = stdout, stderr

	log := p.logger().With(zap.String("program", p.Command.Program), zap.String("dir", p.Dir))
	log.Info("agent planner started")
	started := time.Now()
	runErr := cmd.Run()
	log.Info("agent planner ended", zap.Duration("elapsed", time.Since(started)), zap.Error(runErr))

	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return nil, fmt.Errorf("agent planner %s timed out after %s (stderr: %q): raise the timeout or "+
			"give a smaller goal", p.Command.Program, timeout, stderr.String())
	case ctx.Err() != nil:
		return nil, fmt.Errorf("agent planner %s: %w", p.Command.Program, ctx.Err())
	case stdout.truncated:
		return nil, fmt.Errorf("agent planner %s wrote more than %d bytes to stdout: check its arguments",
			p.Command.Program, maxStdoutBytes)
	}
	if runErr != nil {
		// Claude Code exits 1 with a result object that explains an API
		// error, and that explanation is more useful than the exit status.
		if reason := claudeFailure(p.Command.Output, stdout.Bytes()); reason != "" {
			return nil, fmt.Errorf("agent planner %s failed: %w: %s (stderr: %q)", p.Command.Program, runErr,
				reason, stderr.String())
		}
		return nil, fmt.Errorf("agent planner %s failed: %w (stderr: %q, stdout: %q)", p.Command.Program, runErr,
			stderr.String(), clip(stdout.String()))
	}
	return stdout.Bytes(), nil
}

func (p *Planner) logger() *zap.Logger {
	if p.Logger == nil {
		return zap.NewNop()
	}
	return p.Logger
}

// cappedBuffer keeps the first max bytes written to it and records whether
// more came.
type cappedBuffer struct {
	bytes.Buffer
	max       int
	truncated bool
}

func (b *cappedBuffer) Write(data []byte) (int, error) {
	room := b.max - b.Len()
	if len(data) > room {
		b.truncated = true
		b.Buffer.Write(data[:max(room, 0)])
		return len(data), nil
	}
	return b.Buffer.Write(data)
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	data []byte
	max  int
}

func (b *tailBuffer) Write(data []byte) (int, error) {
	b.data = append(b.data, data...)
	if over := len(b.data) - b.max; over > 0 {
		b.data = append(b.data[:0], b.data[over:]...)
	}
	return len(data), nil
}

func (b *tailBuffer) String() string {
	return strings.TrimSpace(string(b.data))
}
