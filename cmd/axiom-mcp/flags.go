package main

import (
	"flag"
	"fmt"
	"strings"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/axiom-mcp/axiom-mcp/internal/app"
	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
	"github.com/axiom-mcp/axiom-mcp/pkg/scoring"
)

// commonFlags are the flags every command shares.
type commonFlags struct {
	fs              *flag.FlagSet
	configFile      string
	scoringSettings stringList
	maxInstances    int
	workspaceRoot   string
	agentCommand    string
	profile         string
	profilesFile    string
	permissionMode  string
	inputTimeout    time.Duration
	maxAttempts     int
	idleTimeout     time.Duration
	unproductiveFor time.Duration
	minScore        int
	killGrace       time.Duration
	retryBackoff    time.Duration
	tick            time.Duration
	minFreeMemory   int
	maxLoad         float64
	maxMessageSize  int
	transcriptDir   string
	transcriptMax   int64
	logFile         string
	logLevel        string
	debugTools      bool
}

func newFlagSet(name string) (*flag.FlagSet, *commonFlags) {
	fs := flag.NewFlagSet("axiom-mcp "+name, flag.ContinueOnError)
	f := &commonFlags{fs: fs}
	fs.StringVar(&f.configFile, "config", "",
		"YAML configuration file: pool settings, scoring thresholds and weights; flags override it")
	fs.Var(&f.scoringSettings, "scoring",
		"a scoring threshold or weight as KEY=VALUE, such as idle_timeout=45s or file_points=30; "+
			"repeatable, and applied after every other flag")
	fs.IntVar(&f.maxInstances, "max-instances", 10, "most agent instances running at once")
	// The demo keeps its workspaces under its own -dir.
	if name != "demo" {
		fs.StringVar(&f.workspaceRoot, "workspace-root", app.DefaultWorkspaceRoot(),
			"directory under which each task gets a fresh workspace (env AXIOM_WORKSPACE_ROOT)")
	}
	fs.StringVar(&f.profile, "profile", "",
		"agent profile of tasks that name none: claude, claude-print, codex, gemini, aider or command "+
			"(default claude, or command when -agent is given)")
	fs.StringVar(&f.profilesFile, "profiles", "", "YAML file of agent profiles that add to or replace the built-in ones")
	fs.StringVar(&f.agentCommand, "agent", "",
		"command of the command profile; {prompt} is replaced by the task prompt as one argument "+
			"(appended when absent), {workspace} and {task_id} too")
	fs.StringVar(&f.permissionMode, "permission-mode", "",
		"Claude Code permission mode: acceptEdits, auto, bypassPermissions, default, dontAsk or plan "+
			"(default: the profile's, acceptEdits)")
	fs.DurationVar(&f.inputTimeout, "input-timeout", 2*time.Minute,
		"kill an instance that waits this long for an answer to a question or dialog")
	fs.IntVar(&f.maxAttempts, "max-attempts", 3, "instances a task may use before it fails")
	fs.DurationVar(&f.idleTimeout, "idle-timeout", 30*time.Second, "kill an instance after this long with no activity")
	fs.DurationVar(&f.unproductiveFor, "unproductive-after", 2*time.Minute,
		"kill an instance whose score stays under -min-score this long")
	fs.IntVar(&f.minScore, "min-score", 20, "score (0-100) under which an instance counts as unproductive")
	fs.DurationVar(&f.killGrace, "kill-grace", 5*time.Second, "time between SIGTERM and SIGKILL when killing")
	fs.DurationVar(&f.retryBackoff, "retry-backoff", 5*time.Second,
		"wait before a failed task's next attempt; it doubles with each failed attempt up to 2m")
	fs.DurationVar(&f.tick, "tick", time.Second, "how often instances are measured and scored")
	fs.IntVar(&f.minFreeMemory, "min-free-memory", app.DefaultMinFreeMemory,
		"memory in MiB the machine must have available (MemAvailable) before an instance starts; "+
			"starts wait while it has less")
	fs.Float64Var(&f.maxLoad, "max-load", 0,
		"1-minute load average per core above which starts wait; 0 turns the load check off")
	if name == "serve" {
		fs.IntVar(&f.maxMessageSize, "max-message-size", app.DefaultMaxMessageSize,
			"cap in MiB on one JSON-RPC message from the client; a larger one gets an error response")
	}
	fs.StringVar(&f.transcriptDir, "transcript-dir", "",
		"directory for each instance's transcript files, TASK_ID/INSTANCE_ID/raw.log and text.log "+
			"(default: transcripts beside the workspace root)")
	fs.Int64Var(&f.transcriptMax, "transcript-max", executor.DefaultTranscriptMax,
		"cap of each transcript file in bytes; a full file is renamed to FILE.1 and a new one started")
	fs.StringVar(&f.logFile, "log-file", "", "write logs to this file instead of stderr")
	fs.StringVar(&f.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	fs.BoolVar(&f.debugTools, "debug-tools", false, "register a debug_panic tool, for testing panic recovery")
	return fs, f
}

// config builds the app configuration and its logger; cleanup flushes the
// logger. Values come from the defaults, then the --config file, then the
// flags given on the command line, then each --scoring setting.
func (f *commonFlags) config() (app.Config, func(), error) {
	logger, err := newLogger(f.logFile, f.logLevel)
	if err != nil {
		return app.Config{}, nil, err
	}
	fc := app.FileConfig{}
	if f.configFile != "" {
		if fc, err = app.LoadFileConfig(f.configFile); err != nil {
			return app.Config{}, nil, err
		}
	}
	if err := app.CheckFlags(f.fileConfig(), f.settingsGiven()); err != nil {
		return app.Config{}, nil, err
	}
	cfg := f.merge(fc, logger)
	for _, setting := range f.scoringSettings {
		if err := app.SetScoring(&cfg.Thresholds, &cfg.Weights, setting); err != nil {
			return app.Config{}, nil, fmt.Errorf("-scoring: %w", err)
		}
	}
	if err := checkScoring(cfg.Thresholds, cfg.Weights); err != nil {
		return app.Config{}, nil, err
	}
	return cfg, func() { _ = logger.Sync() }, nil
}

// settingFlags maps each flag that sets a configuration file setting to
// the setting's key, qualified by its section.
var settingFlags = map[string]string{
	"max-instances":      "max_instances",
	"max-attempts":       "max_attempts",
	"kill-grace":         "kill_grace",
	"retry-backoff":      "retry_backoff",
	"tick":               "tick",
	"min-free-memory":    "min_free_memory",
	"max-load":           "max_load",
	"max-message-size":   "max_message_size",
	"idle-timeout":       "thresholds.idle_timeout",
	"unproductive-after": "thresholds.unproductive_for",
	"min-score":          "thresholds.min_score",
	"input-timeout":      "thresholds.input_timeout",
}

// settingsGiven returns the flags of settingFlags given on the command
// line, with the keys they set.
func (f *commonFlags) settingsGiven() map[string]string {
	given := make(map[string]string)
	f.fs.Visit(func(fl *flag.Flag) {
		if key, ok := settingFlags[fl.Name]; ok {
			given[fl.Name] = key
		}
	})
	return given
}

// fileConfig returns the values of the flags in settingFlags in the shape
// of a configuration file.
func (f *commonFlags) fileConfig() app.FileConfig {
	return app.FileConfig{
		MaxInstances: f.maxInstances, MaxAttempts: f.maxAttempts, KillGrace: f.killGrace, Tick: f.tick,
		RetryBackoff: f.retryBackoff, MinFreeMemory: f.minFreeMemory, MaxLoad: f.maxLoad,
		MaxMessageSize: f.maxMessageSize,
		Thresholds: scoring.Thresholds{IdleTimeout: f.idleTimeout, UnproductiveFor: f.unproductiveFor,
			MinScore: f.minScore, InputTimeout: f.inputTimeout},
	}
}

// merge combines the file's values with the flags: a flag given on the
// command line wins, and a flag's default fills what the file leaves out.
func (f *commonFlags) merge(fc app.FileConfig, logger *zap.Logger) app.Config {
	onCommandLine := make(map[string]bool)
	f.fs.Visit(func(fl *flag.Flag) { onCommandLine[fl.Name] = true })
	pick := func(name string, fileSet bool) bool { return onCommandLine[name] || !fileSet }

	cfg := app.Config{
		MaxInstances: fc.MaxInstances, WorkspaceRoot: fc.WorkspaceRoot, AgentCommand: f.agentCommand,
		Profile: fc.Profile, ProfilesFile: fc.Profiles, PermissionMode: fc.PermissionMode,
		MaxAttempts: fc.MaxAttempts, Thresholds: fc.Thresholds, Weights: fc.Weights,
		KillGrace: fc.KillGrace, RetryBackoff: fc.RetryBackoff, Tick: fc.Tick, MinFreeMemory: fc.MinFreeMemory, MaxLoad: fc.MaxLoad,
		DebugTools: f.debugTools, Logger: logger,
		TranscriptDir: f.transcriptDir, TranscriptMax: f.transcriptMax,
		StateDir: fc.StateDir,
	}
	if pick("max-instances", fc.MaxInstances != 0) {
		cfg.MaxInstances = f.maxInstances
	}
	if pick("workspace-root", fc.WorkspaceRoot != "") {
		cfg.WorkspaceRoot = f.workspaceRoot
	}
	if pick("profile", fc.Profile != "") {
		cfg.Profile = f.profile
	}
	if pick("profiles", fc.Profiles != "") {
		cfg.ProfilesFile = f.profilesFile
	}
	if pick("permission-mode", fc.PermissionMode != "") {
		cfg.PermissionMode = f.permissionMode
	}
	if pick("max-attempts", fc.MaxAttempts != 0) {
		cfg.MaxAttempts = f.maxAttempts
	}
	if pick("kill-grace", fc.KillGrace != 0) {
		cfg.KillGrace = f.killGrace
	}
	if pick("retry-backoff", fc.RetryBackoff != 0) {
		cfg.RetryBackoff = f.retryBackoff
	}
	if pick("tick", fc.Tick != 0) {
		cfg.Tick = f.tick
	}
	if pick("min-free-memory", fc.MinFreeMemory != 0) {
		cfg.MinFreeMemory = f.minFreeMemory
	}
	if pick("max-load", fc.MaxLoad != 0) {
		cfg.MaxLoad = f.maxLoad
	}
	cfg.MaxMessageSize = fc.MaxMessageSize
	if pick("max-message-size", fc.MaxMessageSize != 0) {
		cfg.MaxMessageSize = f.maxMessageSize
	}
	th := &cfg.Thresholds
	if pick("idle-timeout", th.IdleTimeout != 0) {
		th.IdleTimeout = f.idleTimeout
	}
	if pick("unproductive-after", th.UnproductiveFor != 0) {
		th.UnproductiveFor = f.unproductiveFor
	}
	if pick("min-score", th.MinScore != 0) {
		th.MinScore = f.minScore
	}
	if pick("input-timeout", th.InputTimeout != 0) {
		th.InputTimeout = f.inputTimeout
	}
	return cfg
}

// checkScoring rejects thresholds and weights the pool would reject. Each
// source was checked on its own before, so this catches what only their
// combination breaks, such as maxima that do not add up to 100.
func checkScoring(th scoring.Thresholds, w scoring.Weights) error {
	if err := th.Validate(); err != nil {
		return fmt.Errorf("scoring thresholds: %w", err)
	}
	if err := w.Validate(); err != nil {
		return fmt.Errorf("scoring weights: %w", err)
	}
	return nil
}

// newLogger logs to stderr, or to path when given; never to stdout.
func newLogger(path, level string) (*zap.Logger, error) {
	lvl, err := zapcore.ParseLevel(level)
	if err != nil {
		return nil, fmt.Errorf("-log-level %q: use debug, info, warn or error", level)
	}
	cfg := zap.NewProductionConfig()
	cfg.Level = zap.NewAtomicLevelAt(lvl)
	cfg.Encoding = "console"
	cfg.EncoderConfig.EncodeTime = zapcore.ISO8601TimeEncoder
	cfg.OutputPaths = []string{"stderr"}
	cfg.ErrorOutputPaths = []string{"stderr"}
	// On a terminal a person reads the error, and the stack of the line
	// that logged it is noise there. A log file keeps it.
	cfg.DisableStacktrace = true
	if path != "" {
		cfg.DisableStacktrace = false
		cfg.Encoding = "json"
		cfg.OutputPaths = []string{path}
	}
	logger, err := cfg.Build()
	if err != nil {
		return nil, fmt.Errorf("build logger: %w", err)
	}
	return logger, nil
}

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ", ") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// taskSpecs reads tasks from a file argument and -prompt flags.
func taskSpecs(args []string, prompts []string) ([]executor.TaskSpec, error) {
	var specs []executor.TaskSpec
	if len(args) > 1 {
		return nil, fmt.Errorf("give at most one task file, got %d arguments", len(args))
	}
	if len(args) == 1 {
		fileSpecs, err := app.LoadTasks(args[0])
		if err != nil {
			return nil, err
		}
		specs = append(specs, fileSpecs...)
	}
	for _, p := range prompts {
		specs = append(specs, executor.TaskSpec{Prompt: p})
	}
	if len(specs) == 0 {
		return nil, fmt.Errorf("no tasks: give a task file or at least one -prompt")
	}
	return specs, nil
}
