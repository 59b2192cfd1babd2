package bench

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"syscall"
	"time"

	"go.uber.org/zap"

	"github.com/axiom-mcp/axiom-mcp/pkg/agent"
	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
	"github.com/axiom-mcp/axiom-mcp/pkg/proctree"
)

// agentStartTimeout bounds the wait for an agent to start its children.
const agentStartTimeout = 10 * time.Second

// killPool is an in-process pool whose agent is the test agent.
type killPool struct {
	pool *executor.Pool
	stop func()
}

// startKillPool starts a pool with the default settings apart from the
// short kill grace, and returns it with a function that shuts it down,
// ending every instance it still runs.
func startKillPool(ctx context.Context, env *Env) (*killPool, error) {
	tpl, err := agent.Parse(env.TestAgent)
	if err != nil {
		return nil, fmt.Errorf("test agent command: %w", err)
	}
	pool, err := executor.New(executor.Options{
		WorkspaceRoot: filepath.Join(env.Dir, "kill-workspaces"),
		TranscriptDir: filepath.Join(env.Dir, "kill-transcripts"),
		Agent:         tpl,
		MaxAttempts:   1,
		KillGrace:     killGrace,
		// Every kill here is expected, so only errors are worth a line.
		Logger: env.Log.WithOptions(zap.IncreaseLevel(zap.ErrorLevel)),
	})
	if err != nil {
		return nil, fmt.Errorf("start a pool for the kill benchmark: %w", err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = pool.Run(runCtx)
	}()
	return &killPool{pool: pool, stop: func() { cancel(); <-done }}, nil
}

// measure starts one agent of case c, waits until its children run, then
// kills it with Pool.Kill and times how long every process of its tree
// takes to end.
func (k *killPool) measure(ctx context.Context, c killCase) (killSample, error) {
	infos, err := k.pool.Submit([]executor.TaskSpec{{Prompt: c.prompt}})
	if err != nil {
		return killSample{}, fmt.Errorf("submit the task: %w", err)
	}
	inst, err := k.waitInstance(ctx, infos[0].ID)
	if err != nil {
		return killSample{}, err
	}
	keys, err := waitAgentReady(ctx, inst.PID, inst.Workspace, c)
	if err != nil {
		return killSample{}, err
	}

	start := time.Now()
	killed := make(chan error, 1)
	go func() {
		_, err := k.pool.Kill(inst.ID, "kill benchmark", false)
		killed <- err
	}()
	waitCtx, cancel := context.WithTimeout(ctx, killGrace+agentStartTimeout)
	endedAt, waitErr := waitEnded(waitCtx, keys, killPollInterval)
	cancel()
	if err := errors.Join(waitErr, <-killed); err != nil {
		return killSample{}, fmt.Errorf("kill instance %s: %w", inst.ID, err)
	}
	return sampleOf(start, endedAt, c), nil
}

// sampleOf turns the times at which keys ended into a sample. The agent is
// the first key. The grace is subtracted when the agent ignores SIGTERM.
func sampleOf(start time.Time, endedAt []time.Time, c killCase) killSample {
	var grace time.Duration
	if c.ignoresTerm {
		grace = killGrace
	}
	return killSample{agent: endedAt[0].Sub(start) - grace, tree: latest(endedAt).Sub(start) - grace}
}

// waitInstance waits for the task's instance to run and returns it.
func (k *killPool) waitInstance(ctx context.Context, taskID string) (executor.InstanceInfo, error) {
	var found executor.InstanceInfo
	err := pollUntil(ctx, agentStartTimeout, 5*time.Millisecond, "wait for the instance of task "+taskID, func() error {
		st, err := k.pool.Status(executor.Filter{TaskID: taskID})
		if err != nil {
			return err
		}
		for _, inst := range st.Instances {
			if inst.EndedAt == nil && inst.PID > 0 {
				found = inst
				return nil
			}
		}
		return errNotYet
	})
	return found, err
}

// waitAgentReady waits until the agent led by pid has started both children
// in dir, and ignores SIGTERM when case c requires it. It returns the
// processes of the agent's tree, the agent first.
func waitAgentReady(ctx context.Context, pid int, dir string, c killCase) ([]proctree.Key, error) {
	var keys []proctree.Key
	what := fmt.Sprintf("wait for agent %d to start its children", pid)
	err := pollUntil(ctx, agentStartTimeout, 5*time.Millisecond, what, func() error {
		var err error
		keys, err = readyTree(pid, dir, c)
		return err
	})
	return keys, err
}

// readyTree returns the agent's tree, the agent first, or an error while
// the agent has not reached the state the measurement needs.
func readyTree(pid int, dir string, c killCase) ([]proctree.Key, error) {
	sessionChild, err := readPIDFile(filepath.Join(dir, "session-child.pid"))
	if err != nil {
		return nil, err
	}
	if _, err := readPIDFile(filepath.Join(dir, "child.pid")); err != nil {
		return nil, err
	}

	if c.ignoresTerm {
		ignored, err := signalIgnored(pid, syscall.SIGTERM)
		if err != nil {
			return nil, err
		}
		if !ignored {
			return nil, fmt.Errorf("agent %d does not ignore SIGTERM yet: %w", pid, errNotYet)
		}
	}

	keys, err := treeKeys(pid)
	if err != nil {
		return nil, err
	}
	agentKey, ok := keyOf(keys, pid)
	if !ok {
		return nil, fmt.Errorf("agent %d is not running", pid)
	}
	if _, ok := keyOf(keys, sessionChild); !ok {
		return nil, fmt.Errorf("child %d in its own session is not in the tree of agent %d: %w", sessionChild, pid, errNotYet)
	}
	if len(keys) < 3 {
		return nil, fmt.Errorf("agent %d has %d processes, expected at least 3: %w", pid, len(keys), errNotYet)
	}

	tree := []proctree.Key{agentKey}
	for _, key := range keys {
		if key != agentKey {
			tree = append(tree, key)
		}
	}
	return tree, nil
}
