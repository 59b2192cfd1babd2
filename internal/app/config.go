// Package app wires the pool, the MCP tools and the transports into the
// commands of the axiom-mcp binary: serve (MCP over stdio), run (tasks from a
// file or the command line) and demo (real Claude Code against the built-in
// scripted model server).
package app

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/axiom-mcp/axiom-mcp/pkg/agent"
	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
	"github.com/axiom-mcp/axiom-mcp/pkg/profile"
	"github.com/axiom-mcp/axiom-mcp/pkg/queue"
	"github.com/axiom-mcp/axiom-mcp/pkg/scoring"
)

// DefaultMinFreeMemory is the memory, in MiB, that the machine must have
// available before an instance starts, unless a flag or the config file
// sets it. One Claude Code 2.1.197 instance takes 213 to 300 MB of RSS.
const DefaultMinFreeMemory = 400

// Version is the axiom-mcp version reported to MCP clients.
const Version = "0.1.0"

// Config holds the settings every command needs to build a pool.
type Config struct {
	MaxInstances  int
	WorkspaceRoot string
	// AgentCommand is the command of the command profile; when set and
	// Profile is empty, tasks run it.
	AgentCommand string
	// Profile is the default agent profile; empty means claude, or command
	// when AgentCommand is set.
	Profile string
	// ProfilesFile is a YAML file of profiles over the built-in ones.
	ProfilesFile string
	// PermissionMode overrides the profiles' default permission mode.
	PermissionMode string
	MaxAttempts    int
	// Thresholds and Weights configure the scoring; zero fields take their
	// defaults.
	Thresholds scoring.Thresholds
	Weights    scoring.Weights
	KillGrace  time.Duration
	// RetryBackoff is the wait before the second attempt of a failed task,
	// doubled for each later one. Zero means 5 s.
	RetryBackoff time.Duration
	Tick         time.Duration
	// MinFreeMemory is the memory, in MiB, the machine must have available
	// before an instance starts. Zero means no check.
	MinFreeMemory int
	// MaxLoad is the 1-minute load average per core above which starts
	// wait. Zero means no check.
	MaxLoad float64
	// MaxMessageSize caps, in MiB, one JSON-RPC message the server reads
	// on either transport. Zero means DefaultMaxMessageSize.
	MaxMessageSize int
	// DebugTools registers a tool that panics, for tests of recovery.
	DebugTools bool
	// ExtraEnv is added to the environment of every agent.
	ExtraEnv []string
	// QuietEvents logs pool events at debug level only, for commands that
	// print every event themselves.
	QuietEvents bool
	Logger      *zap.Logger

	// Planner is the Claude Code program that writes plans for the
	// decompose tool's agent mode. Empty leaves only the list mode.
	Planner string
	// WaitMax is the longest wait a wait tool call may ask for. Zero means
	// tools.DefaultWaitMax.
	WaitMax time.Duration
	// TranscriptDir is the directory of the instances' transcript files. Empty
	// means a "transcripts" directory beside the workspace root.
	TranscriptDir string
	// TranscriptMax caps each transcript file in bytes. Zero means
	// executor.DefaultTranscriptMax.
	TranscriptMax int64
	// StateDir is the directory of the database that serve writes tasks,
	// attempts and events to and recovers them from after a crash. Empty
	// keeps all state in memory.
	StateDir string
}

// DefaultWorkspaceRoot returns the directory under which task workspaces are
// created when none is configured: $AXIOM_WORKSPACE_ROOT, else
// $XDG_STATE_HOME/axiom-mcp/workspaces, else
// ~/.local/state/axiom-mcp/workspaces.
func DefaultWorkspaceRoot() string {
	if dir := os.Getenv("AXIOM_WORKSPACE_ROOT"); dir != "" {
		return dir
	}
	return filepath.Join(DefaultStateDir(), "workspaces")
}

// poolOptions turns the configuration into executor options.
func (c Config) poolOptions() (executor.Options, error) {
	var tpl agent.Template
	if c.AgentCommand != "" {
		parsed, err := agent.Parse(c.AgentCommand)
		if err != nil {
			return executor.Options{}, fmt.Errorf("invalid --agent: %w", err)
		}
		// Agents run in their workspaces, so a relative program path such
		// as ./my-agent is taken from the directory the server started in.
		if program := parsed.Program(); strings.Contains(program, "/") && !filepath.IsAbs(program) {
			abs, err := filepath.Abs(program)
			if err != nil {
				return executor.Options{}, fmt.Errorf("resolve --agent program %q: %w", program, err)
			}
			parsed = parsed.WithProgram(abs)
		}
		tpl = parsed
	}
	profiles := profile.Defaults()
	if c.ProfilesFile != "" {
		loaded, err := profile.Load(c.ProfilesFile, profiles)
		if err != nil {
			return executor.Options{}, fmt.Errorf("invalid --profiles: %w", err)
		}
		profiles = loaded
	}
	if c.MaxInstances < 1 {
		return executor.Options{}, fmt.Errorf("max instances %d is out of range: set max_instances or "+
			"-max-instances to 1 or more", c.MaxInstances)
	}
	if c.KillGrace < 0 || c.Tick < 0 {
		return executor.Options{}, fmt.Errorf("kill grace %s and tick %s must not be negative: check kill_grace and "+
			"tick, or -kill-grace and -tick", c.KillGrace, c.Tick)
	}
	if err := checkMinFreeMemory(c.MinFreeMemory); err != nil {
		return executor.Options{}, err
	}
	root, err := filepath.Abs(c.WorkspaceRoot)
	if err != nil {
		return executor.Options{}, fmt.Errorf("resolve --workspace-root %q: %w", c.WorkspaceRoot, err)
	}
	transcripts := ""
	if c.TranscriptDir != "" {
		if transcripts, err = filepath.Abs(c.TranscriptDir); err != nil {
			return executor.Options{}, fmt.Errorf("resolve --transcript-dir %q: %w", c.TranscriptDir, err)
		}
	}
	env := dropEmptyConfigDir(append(os.Environ(), c.ExtraEnv...), c.Logger)
	return executor.Options{
		MaxInstances:   c.MaxInstances,
		WorkspaceRoot:  root,
		Agent:          tpl,
		Profiles:       profiles,
		Profile:        c.Profile,
		PermissionMode: c.PermissionMode,
		Env:            env,
		Thresholds:     c.Thresholds,
		Weights:        c.Weights,
		MaxAttempts:    c.MaxAttempts,
		KillGrace:      c.KillGrace,
		RetryBackoff:   queue.Backoff{Base: c.RetryBackoff},
		TickInterval:   c.Tick,
		MinFreeMemory:  int64(c.MinFreeMemory) << 20,
		MaxLoad:        c.MaxLoad,
		TranscriptDir:  transcripts,
		TranscriptMax:  c.TranscriptMax,
		Logger:         c.Logger,
		QuietEvents:    c.QuietEvents,
	}, nil
}

// checkMinFreeMemory rejects a memory check no start could pass: as much
// memory available as the machine has, or more.
func checkMinFreeMemory(mib int) error {
	if mib <= 0 {
		return nil
	}
	total, err := executor.ReadMemTotal()
	if err != nil || int64(mib)<<20 < total {
		return nil
	}
	return fmt.Errorf("min free memory %d MiB is not below the machine's %d MiB of memory, so no instance "+
		"could start: lower -min-free-memory or min_free_memory", mib, total>>20)
}

// messageCap returns the cap on one JSON-RPC message in bytes.
func (c Config) messageCap() (int64, error) {
	mib := c.MaxMessageSize
	if mib == 0 {
		mib = DefaultMaxMessageSize
	}
	if mib < 1 || mib > maxMaxMessageSize {
		return 0, fmt.Errorf("max message size %d MiB is out of range: set -max-message-size or "+
			"max_message_size to a number from 1 to %d", mib, maxMaxMessageSize)
	}
	return int64(mib) << 20, nil
}

// dropEmptyConfigDir removes CLAUDE_CONFIG_DIR when it is set but empty:
// Claude Code 2.1.197 then keeps its config, sessions and history in the
// working directory, which would fill every workspace with its files.
func dropEmptyConfigDir(env []string, logger *zap.Logger) []string {
	kept := env[:0:0]
	for _, kv := range env {
		if kv == "CLAUDE_CONFIG_DIR=" {
			if logger != nil {
				logger.Warn("CLAUDE_CONFIG_DIR is set but empty; agents get it unset, so Claude Code uses ~/.claude")
			}
			continue
		}
		kept = append(kept, kv)
	}
	return kept
}
