// Package tools exposes an executor pool as MCP tools: spawn, status, wait,
// output, kill, cancel, intervene and decompose. Each tool is a thin adapter:
// it checks its input, calls the pool and returns structured output.
// Resource templates give each instance's screen and transcript and each
// task's record, with subscriptions. Mistakes a model can fix come back as
// tool results with isError set and a message that names the bad value and
// the fix; Go errors are kept for faults of the server itself.
package tools

import (
	"context"
	"errors"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	"go.uber.org/zap"

	"github.com/axiom-mcp/axiom-mcp/pkg/decompose"
	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
)

// Options configure the MCP server.
type Options struct {
	// Name and Version identify the server to clients.
	Name, Version string
	// DebugTools adds a tool that panics, used to test panic recovery.
	DebugTools bool
	// Logger receives the server's logs. Nil means no logs.
	Logger *zap.Logger
	// Planner writes plans for the decompose tool's agent mode. Nil leaves
	// only the list mode.
	Planner *decompose.Planner
	// WaitMax is the longest wait a wait call may ask for. Zero means
	// DefaultWaitMax.
	WaitMax time.Duration
}

// Server is an MCP server whose tools drive one pool.
type Server struct {
	mcp     *server.MCPServer
	pool    *executor.Pool
	log     *zap.Logger
	planner *decompose.Planner
	waitMax time.Duration
	// progress records which progress notifications the stdio transport
	// has written.
	progress *progressLedger
	notify   *notifier
	subs     *subscriptions
	waits    waitSlots
}

// New builds the MCP server and registers every tool and resource template.
// Run WatchResources to send resource updates to subscribers.
func New(pool *executor.Pool, opts Options) *Server {
	if opts.Logger == nil {
		opts.Logger = zap.NewNop()
	}
	if opts.Name == "" {
		opts.Name = "axiom-mcp"
	}
	if opts.WaitMax <= 0 {
		opts.WaitMax = DefaultWaitMax
	}
	s := &Server{pool: pool, log: opts.Logger, planner: opts.Planner, waitMax: opts.WaitMax,
		progress: newProgressLedger(), subs: newSubscriptions(), waits: newWaitSlots()}
	hooks := &server.Hooks{}
	s.addSubscriptionHooks(hooks)
	hooks.AddOnError(func(_ context.Context, id any, method mcp.MCPMethod, _ any, err error) {
		if errors.Is(err, server.ErrNotificationChannelBlocked) {
			return // the notifier retries these and logs each wait once
		}
		if errors.Is(err, context.Canceled) {
			s.log.Info("request cancelled by the client", zap.Any("id", id), zap.String("method", string(method)))
			return
		}
		s.log.Error("request failed", zap.Any("id", id), zap.String("method", string(method)), zap.Error(err))
	})
	s.mcp = server.NewMCPServer(opts.Name, opts.Version,
		server.WithToolCapabilities(false),
		server.WithResourceCapabilities(true, false),
		server.WithLogging(),
		server.WithRecovery(),
		server.WithHooks(hooks),
		server.WithInstructions(instructions),
		// spawn and wait may run as MCP tasks (revision 2025-11-25) when
		// the client asks for one.
		server.WithTaskCapabilities(true, true, true),
		server.WithMaxConcurrentTasks(maxConcurrentTasks),
	)
	s.notify = newNotifier(pool, s.mcp, opts.Logger, defaultNotifyOptions())
	s.notify.trackSessions(hooks)
	s.mcp.AddTool(spawnTool(), handle(s.spawn))
	s.mcp.AddTool(statusTool(), handle(s.status))
	s.mcp.AddTool(waitTool(s.waitMax), handleRequest(s.wait))
	s.mcp.AddTool(outputTool(), handle(s.output))
	s.mcp.AddTool(killTool(), handle(s.kill))
	s.mcp.AddTool(cancelTool(), handle(s.cancel))
	s.mcp.AddTool(interveneTool(), handle(s.intervene))
	s.mcp.AddTool(decomposeTool(), handle(s.decompose))
	s.addResources()
	if opts.DebugTools {
		s.mcp.AddTool(panicTool(), func(context.Context, mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			panic("debug_panic was called")
		})
	}
	return s
}

// MCP returns the underlying mcp-go server, for serving on a transport.
func (s *Server) MCP() *server.MCPServer { return s.mcp }

// maxConcurrentTasks bounds the MCP tasks that run at once, each a
// goroutine that may wait up to WaitMax.
const maxConcurrentTasks = 100

const instructions = `axiom-mcp runs coding-agent instances in parallel, each in its own terminal ` +
	`and workspace. Call spawn with one or more tasks; it returns at once. Call wait to block until ` +
	`tasks finish, status to follow scores, screens and states, and output to read an instance's ` +
	`screen or transcript in pages; idle or unproductive instances are killed and their tasks ` +
	`retried. Use intervene to answer an agent's question, kill to stop an instance and cancel to ` +
	`drop tasks with the tasks that depend on them. decompose turns a goal into a validated task ` +
	`graph to review or submit.`

func panicTool() mcp.Tool {
	return mcp.NewTool("debug_panic",
		mcp.WithDescription("Panics inside the handler. For testing the server's panic recovery only."),
		mcp.WithDestructiveHintAnnotation(false),
		mcp.WithOpenWorldHintAnnotation(false),
	)
}
