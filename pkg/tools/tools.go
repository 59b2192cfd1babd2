// Package tools exposes an executor pool as MCP tools: spawn, status, output,
// kill, intervene and decompose. Each tool is a thin adapter: it checks its
// input, calls the pool and returns structured output. Resource templates
// give each instance's screen and transcript and each task's record, with
// subscriptions. Mistakes a model can fix come back as tool results with
// isError set and a message that names the bad value and the fix; Go errors
// are kept for faults of the server itself.
package tools

import (
	"context"
	"sync"

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
}

// Server is an MCP server whose tools drive one pool.
type Server struct {
	mcp     *server.MCPServer
	pool    *executor.Pool
	log     *zap.Logger
	planner *decompose.Planner

	mu       sync.Mutex
	sessions map[string]bool

	subs *subscriptions
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
	s := &Server{pool: pool, log: opts.Logger, planner: opts.Planner, sessions: make(map[string]bool),
		subs: newSubscriptions()}
	hooks := &server.Hooks{}
	s.addSubscriptionHooks(hooks)
	hooks.AddOnRegisterSession(func(_ context.Context, session server.ClientSession) {
		s.mu.Lock()
		s.sessions[session.SessionID()] = true
		s.mu.Unlock()
	})
	hooks.AddOnUnregisterSession(func(_ context.Context, session server.ClientSession) {
		s.mu.Lock()
		delete(s.sessions, session.SessionID())
		s.mu.Unlock()
	})
	hooks.AddOnError(func(_ context.Context, id any, method mcp.MCPMethod, _ any, err error) {
		s.log.Error("request failed", zap.Any("id", id), zap.String("method", string(method)), zap.Error(err))
	})
	s.mcp = server.NewMCPServer(opts.Name, opts.Version,
		server.WithToolCapabilities(false),
		server.WithResourceCapabilities(true, false),
		server.WithLogging(),
		server.WithRecovery(),
		server.WithHooks(hooks),
		server.WithInstructions(instructions),
	)
	s.mcp.AddTool(spawnTool(), handle(s.spawn))
	s.mcp.AddTool(statusTool(), handle(s.status))
	s.mcp.AddTool(outputTool(), handle(s.output))
	s.mcp.AddTool(killTool(), handle(s.kill))
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

const instructions = `axiom-mcp runs coding-agent instances in parallel, each in its own terminal ` +
	`and workspace. Call spawn with one or more tasks; it returns at once. Poll status to follow ` +
	`scores, screens and states, and output to read an instance's screen or transcript in pages; idle ` +
	`or unproductive instances are killed and their tasks retried. ` +
	`Use intervene to answer an agent's question and kill to stop one. decompose turns a goal into ` +
	`a validated task graph to review or submit.`

func panicTool() mcp.Tool {
	return mcp.NewTool("debug_panic",
		mcp.WithDescription("Panics inside the handler. For testing the server's panic recovery only."),
		mcp.WithDestructiveHintAnnotation(false),
		mcp.WithOpenWorldHintAnnotation(false),
	)
}
