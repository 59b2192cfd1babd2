package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/server"
	"go.uber.org/zap"
	"golang.org/x/sys/unix"

	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
	"github.com/axiom-mcp/axiom-mcp/pkg/tools"
)

// stdioWorkers is how many tool calls the stdio transport runs at once:
// every allowed wait plus room for other calls, within mcp-go's max of 100.
const stdioWorkers = tools.MaxPendingWaits + 36

// ProtectStdout reserves the process's standard output for the MCP
// transport. It duplicates fd 1 into a new descriptor for the transport,
// then points fd 1 and os.Stdout at standard error, so a stray print from
// any library or a panic trace can never corrupt the JSON-RPC stream.
func ProtectStdout() (*os.File, error) {
	fd, err := unix.FcntlInt(uintptr(unix.Stdout), unix.F_DUPFD_CLOEXEC, 3)
	if err != nil {
		return nil, fmt.Errorf("duplicate stdout for the transport: %w", err)
	}
	if err := unix.Dup3(unix.Stderr, unix.Stdout, 0); err != nil {
		_ = unix.Close(fd)
		return nil, fmt.Errorf("point stdout at stderr: %w", err)
	}
	os.Stdout = os.Stderr
	return os.NewFile(uintptr(fd), "mcp-stdout"), nil
}

// poolRun is a running pool with its MCP server and the goroutines that
// drive them.
type poolRun struct {
	opts executor.Options
	pool *executor.Pool
	srv  *tools.Server
	// stop ends every instance by the deadline and waits for the pool's
	// goroutines.
	stop func(deadline time.Time)
}

// startPool starts the pool of cfg, forwards its events to the MCP server
// and sends resource updates to subscribers. stop ends every instance by its
// deadline and waits for the three goroutines.
func startPool(cfg Config) (*poolRun, error) {
	opts, err := cfg.poolOptions()
	if err != nil {
		return nil, err
	}
	// An invalid setting fails here, before a run is recorded for it.
	if err := opts.Check(); err != nil {
		return nil, err
	}
	state, err := cfg.openPoolState(&opts)
	if err != nil {
		return nil, err
	}
	pool, err := executor.New(opts)
	if err == nil && state != nil {
		err = state.recoverRuns(pool)
	}
	if err != nil {
		state.closeIfOpen()
		return nil, err
	}
	srv := tools.New(pool, tools.Options{Version: Version, DebugTools: cfg.DebugTools, Logger: cfg.Logger,
		Planner: cfg.agentPlanner(), WaitMax: cfg.WaitMax})
	poolCtx, stopPool := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(3)
	go func() { defer wg.Done(); _ = pool.Run(poolCtx) }()
	go func() { defer wg.Done(); srv.ForwardEvents(poolCtx) }()
	go func() { defer wg.Done(); srv.WatchResources(poolCtx) }()
	stop := func(deadline time.Time) {
		pool.Shutdown(deadline)
		stopPool()
		wg.Wait()
		state.closeIfOpen()
	}
	return &poolRun{opts: opts, pool: pool, srv: srv, stop: stop}, nil
}

// Serve runs the MCP server on stdin and out until stdin ends or ctx is
// done, then ends every instance and returns.
func Serve(ctx context.Context, cfg Config, stdin io.Reader, out io.Writer) error {
	log := cfg.Logger
	limit, err := cfg.messageCap()
	if err != nil {
		return err
	}
	run, err := startPool(cfg)
	if err != nil {
		return err
	}
	log.Info("serving MCP on stdio", zap.String("workspace_root", run.opts.WorkspaceRoot),
		zap.Int("max_instances", run.opts.MaxInstances), zap.String("agent", run.opts.Agent.String()))
	stdio := server.NewStdioServer(run.srv.MCP())
	// mcp-go runs tool calls on 5 workers by default, and a
	// pending wait holds one, so waits alone could stall every other call.
	server.WithWorkerPoolSize(stdioWorkers)(stdio)
	stdio.SetErrorLogger(zap.NewStdLog(log))
	// mcp-go reads each line whole, so lines are capped before they reach
	// it. The error for a line over the cap goes through mcp-go's writer.
	in, transport := capStdio(stdin, run.srv.WatchOutput(out), limit, log)
	listenErr := stdio.Listen(ctx, in, transport)
	if listenErr != nil && !errors.Is(listenErr, context.Canceled) {
		log.Error("stdio transport stopped", zap.Error(listenErr))
	}
	log.Info("client gone: ending every instance")
	run.stop(time.Now().Add(executor.DefaultShutdownTimeout))
	log.Info("server stopped")
	if errors.Is(listenErr, context.Canceled) {
		return nil
	}
	return listenErr
}
