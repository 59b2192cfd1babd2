package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/creack/pty"

	"github.com/axiom-mcp/axiom-mcp/pkg/proctree"
)

// plainAgent is a test agent started in its own session and pseudo-terminal,
// as a plain tool would run it.
type plainAgent struct {
	cmd    *exec.Cmd
	master *os.File
	exited chan struct{} // closed once the agent is reaped
	dir    string
}

// startPlainAgent runs the test agent with prompt in a new directory under
// parent.
func startPlainAgent(testAgent, parent, prompt string) (*plainAgent, error) {
	dir, err := os.MkdirTemp(parent, "plain-")
	if err != nil {
		return nil, fmt.Errorf("make a directory for the baseline agent: %w", err)
	}
	cmd := exec.Command(testAgent, prompt)
	cmd.Dir = dir
	master, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: 120, Rows: 40})
	if err != nil {
		return nil, fmt.Errorf("start %s in a pseudo-terminal: %w", testAgent, err)
	}
	a := &plainAgent{cmd: cmd, master: master, exited: make(chan struct{}), dir: dir}
	go func() { _, _ = io.Copy(io.Discard, master) }()
	go func() {
		defer close(a.exited)
		_ = cmd.Wait()
	}()
	return a, nil
}

// end kills what is left of the agent's tree, given in keys or found now,
// and closes the terminal. Each process is killed by pid only while its
// start time still matches, so a reused pid is left alone.
func (a *plainAgent) end(keys []proctree.Key) {
	select {
	case <-a.exited:
	default:
		// The agent has not been reaped, so its pid still names it.
		if current, err := treeKeys(a.cmd.Process.Pid); err == nil {
			keys = append(keys, current...)
		}
	}
	for _, key := range keys {
		if !procEnded(key) {
			_ = syscall.Kill(key.PID, syscall.SIGKILL)
		}
	}
	<-a.exited
	_ = a.master.Close()
}

// measurePlainKill runs one agent of case c outside the pool and ends it as
// a plain tool does. It sends SIGTERM to the agent's process group, and
// SIGKILL to the group after the grace period if the agent still runs, and
// polls until the agent is gone. It then records whether the child in its
// own session survived, and ends that child by pid.
func measurePlainKill(ctx context.Context, env *Env, c killCase, run int) (killSample, error) {
	a, err := startPlainAgent(env.TestAgent, env.Dir, c.prompt)
	if err != nil {
		return killSample{}, err
	}
	pid := a.cmd.Process.Pid
	keys, err := waitAgentReady(ctx, pid, a.dir, c)
	defer func() { a.end(keys) }()
	if err != nil {
		return killSample{}, err
	}

	start := time.Now()
	agentGone, err := signalGroupUntilGone(ctx, keys[0], c.ignoresTerm)
	if err != nil {
		return killSample{}, fmt.Errorf("end baseline agent %d of run %d: %w", pid, run+1, err)
	}
	sample := killSample{agent: sampleOf(start, []time.Time{agentGone}, c).agent}
	sessionChild, err := readPIDFile(filepath.Join(a.dir, "session-child.pid"))
	if err != nil {
		return killSample{}, err
	}
	if key, ok := keyOf(keys, sessionChild); ok {
		sample.survived = !procEnded(key)
	}
	return sample, nil
}

// signalGroupUntilGone sends SIGTERM to the process group of agent, then
// SIGKILL after the grace period when withKill is set, and returns when the
// agent was first seen gone.
func signalGroupUntilGone(ctx context.Context, agent proctree.Key, withKill bool) (time.Time, error) {
	if err := syscall.Kill(-agent.PID, syscall.SIGTERM); err != nil {
		return time.Time{}, fmt.Errorf("send SIGTERM to process group %d: %w", agent.PID, err)
	}
	if withKill {
		graceCtx, cancel := context.WithTimeout(ctx, killGrace)
		endedAt, err := waitEnded(graceCtx, []proctree.Key{agent}, killPollInterval)
		cancel()
		if err == nil {
			return endedAt[0], nil
		}
		if !errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil {
			return time.Time{}, err
		}
		if err := syscall.Kill(-agent.PID, syscall.SIGKILL); err != nil {
			return time.Time{}, fmt.Errorf("send SIGKILL to process group %d: %w", agent.PID, err)
		}
	}
	waitCtx, cancel := context.WithTimeout(ctx, agentStartTimeout)
	defer cancel()
	endedAt, err := waitEnded(waitCtx, []proctree.Key{agent}, killPollInterval)
	if err != nil {
		return time.Time{}, err
	}
	return endedAt[0], nil
}
