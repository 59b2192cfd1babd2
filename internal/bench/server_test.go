package bench

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/axiom-mcp/axiom-mcp/internal/testbin"
)

// serverEnv builds the server and the test agent and returns an Env with a
// fresh directory.
func serverEnv(t *testing.T) *Env {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the server")
	}
	server, err := testbin.Build(binDir, testbin.Server)
	require.NoError(t, err)
	return &Env{Dir: t.TempDir(), Server: server, TestAgent: testAgent(t)}
}

func TestServerStopEndsAgents(t *testing.T) {
	env := serverEnv(t)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	srv, err := startServer(ctx, env, 2)
	require.NoError(t, err)
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			_ = srv.stop()
		}
	})

	_, err = srv.spawn(ctx, repeatPrompt("print:10 silent", 3))
	require.NoError(t, err)
	st, err := srv.waitOutput(ctx, 2, 30*time.Second)
	require.NoError(t, err)
	require.Len(t, st.Instances, 2)
	assert.Equal(t, 1, st.Pool.Queued, "the third task waits for a slot")

	stopped = true
	require.NoError(t, srv.stop())
	assert.Empty(t, processesUnder(srv.root), "no agent is left under the workspace root")
	for _, inst := range st.Instances {
		assert.ErrorIs(t, syscall.Kill(inst.PID, 0), syscall.ESRCH, "agent pid %d has ended", inst.PID)
	}
	assert.ErrorIs(t, syscall.Kill(srv.PID(), 0), syscall.ESRCH, "the server has ended")
}
