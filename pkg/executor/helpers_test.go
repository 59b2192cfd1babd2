package executor

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/zap/zaptest"

	"github.com/axiom-mcp/axiom-mcp/internal/leakcheck"
	"github.com/axiom-mcp/axiom-mcp/internal/testbin"
	"github.com/axiom-mcp/axiom-mcp/pkg/agent"
	"github.com/axiom-mcp/axiom-mcp/pkg/proctree"
)

var testAgentPath string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "executor-test-bin-")
	if err != nil {
		panic(err)
	}
	testAgentPath, err = testbin.Build(dir, testbin.TestAgent)
	if err != nil {
		panic(err)
	}
	code := leakcheck.Main(m)
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// startPool runs a pool whose agent is the scripted test agent, or command
// when given, and stops it when the test ends.
func startPool(t *testing.T, opts Options, command ...string) *Pool {
	t.Helper()
	cmd := testAgentPath
	if len(command) > 0 {
		cmd = strings.Join(command, " ")
	}
	if opts.Agent.Program() == "" {
		opts.Agent = agent.MustParse(cmd)
	}
	if opts.WorkspaceRoot == "" {
		opts.WorkspaceRoot = filepath.Join(t.TempDir(), "workspaces")
	}
	if opts.TickInterval == 0 {
		opts.TickInterval = 100 * time.Millisecond
	}
	if opts.KillGrace == 0 {
		opts.KillGrace = 2 * time.Second
	}
	if opts.RetryBackoff.Base == 0 {
		opts.RetryBackoff.Base = 200 * time.Millisecond
	}
	if opts.Logger == nil {
		opts.Logger = zaptest.NewLogger(t)
	}
	pool, err := New(opts)
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

func submitOne(t *testing.T, pool *Pool, spec TaskSpec) TaskInfo {
	t.Helper()
	infos, err := pool.Submit([]TaskSpec{spec})
	require.NoError(t, err)
	require.Len(t, infos, 1)
	return infos[0]
}

// waitTask polls until the task reaches a final state and returns it.
func waitTask(t *testing.T, pool *Pool, id string, timeout time.Duration) TaskInfo {
	t.Helper()
	var last TaskInfo
	require.Eventually(t, func() bool {
		st, err := pool.Status(Filter{TaskID: id})
		require.NoError(t, err)
		require.Len(t, st.Tasks, 1)
		last = st.Tasks[0]
		return last.State != "queued" && last.State != "running"
	}, timeout, 50*time.Millisecond, "task %s did not finish", id)
	return last
}

func instancesOf(t *testing.T, pool *Pool, taskID string) []InstanceInfo {
	t.Helper()
	st, err := pool.Status(Filter{TaskID: taskID, TailLines: 40})
	require.NoError(t, err)
	return st.Instances
}

// waitInstance polls until the task has a running instance and returns it.
func waitInstance(t *testing.T, pool *Pool, taskID string) InstanceInfo {
	t.Helper()
	var found InstanceInfo
	require.Eventually(t, func() bool {
		for _, inst := range instancesOf(t, pool, taskID) {
			if inst.EndedAt == nil {
				found = inst
				return true
			}
		}
		return false
	}, 10*time.Second, 20*time.Millisecond)
	return found
}

// sessionMembers lists live processes that belong to the given session or
// group leader.
func sessionMembers(t *testing.T, leader int) []proctree.Proc {
	t.Helper()
	table, err := proctree.Scan()
	require.NoError(t, err)
	return table.LiveMembers(leader)
}

func testTemplate() agent.Template { return agent.MustParse(testAgentPath) }
