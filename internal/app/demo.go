package app

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"go.uber.org/zap"

	"github.com/axiom-mcp/axiom-mcp/internal/claudeenv"
	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
	"github.com/axiom-mcp/axiom-mcp/pkg/mockmodel"
)

// DemoConfig configures the demo.
type DemoConfig struct {
	Config
	// ClaudeBinary is the Claude Code CLI to run. Empty means search with
	// claudeenv.FindBinary.
	ClaudeBinary string
	// Dir holds the demo's workspaces and Claude config. Empty means a new
	// temporary directory, which is kept for inspection.
	Dir string
}

// demoTasks are the demo's tasks: each names the file the scripted model
// writes, and the last one runs only after two others succeed.
var demoTasks = []executor.TaskSpec{
	{Name: "greeting", Prompt: "Create hello.txt with a friendly greeting [[write file=hello.txt]]"},
	{Name: "notes", Prompt: "Write the release notes to NOTES.md [[write file=NOTES.md]]"},
	{Name: "script", Prompt: "Add a shell script build.sh that builds the project [[write file=build.sh]]"},
	{Name: "config", Prompt: "Create config.json with default settings [[write file=config.json]]", Priority: 5},
	{Name: "summary", Prompt: "Summarise the work in SUMMARY.md [[write file=SUMMARY.md]]",
		DependsOn: []string{"greeting", "notes"}},
}

// Demo runs real Claude Code instances in parallel against the built-in
// scripted model server on 127.0.0.1, so it needs no account and no network.
// It returns true when every task succeeded.
func Demo(ctx context.Context, cfg DemoConfig, out io.Writer) (bool, error) {
	if cfg.Profile == "" && cfg.AgentCommand == "" {
		cfg.Profile = "claude"
	}
	if err := CheckDemo(cfg.Config); err != nil {
		return false, err
	}
	bin, err := demoBinary(cfg.ClaudeBinary)
	if err != nil {
		return false, err
	}
	dir := cfg.Dir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "axiom-demo-"); err != nil {
			return false, fmt.Errorf("create demo directory: %w", err)
		}
	}
	if dir, err = filepath.Abs(dir); err != nil {
		return false, fmt.Errorf("resolve demo directory: %w", err)
	}

	model := mockmodel.New(cfg.Logger.Named("model"))
	baseURL, err := model.Start("127.0.0.1:0")
	if err != nil {
		return false, fmt.Errorf("start scripted model server: %w", err)
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = model.Close(closeCtx)
	}()

	workspaces := filepath.Join(dir, "workspaces")
	env, err := claudeenv.Prepare(filepath.Join(dir, "claude"), baseURL, workspaces)
	if err != nil {
		return false, err
	}
	// The profiles start "claude"; the binary's directory goes first on
	// the agents' PATH so that this copy runs.
	cfg.ExtraEnv = append(cfg.ExtraEnv, env...)
	cfg.ExtraEnv = append(cfg.ExtraEnv, "PATH="+filepath.Dir(bin)+string(os.PathListSeparator)+os.Getenv("PATH"))
	cfg.WorkspaceRoot = workspaces
	cfg.Logger.Info("demo starting", zap.String("claude", bin), zap.String("model", baseURL),
		zap.String("dir", dir))
	profileName := cfg.Profile
	if profileName == "" {
		profileName = "command"
	}
	fmt.Fprintf(out, "demo: %d tasks (profile %s) against the scripted model at %s\n",
		len(demoTasks), profileName, baseURL)
	fmt.Fprintf(out, "demo: claude is %s\n", bin)
	if requestsPermission(cfg.PermissionMode) {
		wait := cfg.Thresholds.WithDefaults().InputTimeout
		fmt.Fprintf(out, "demo: permission mode %s makes Claude Code ask before it changes a file, and the demo "+
			"answers no questions, so each attempt waits the input timeout (%s) and each task fails after its "+
			"%d attempts, which takes at least %s; the default mode, acceptEdits, writes without asking\n",
			cfg.PermissionMode, wait, cfg.MaxAttempts, wait*time.Duration(max(1, cfg.MaxAttempts)))
	}

	ok, err := RunTasks(ctx, cfg.Config, demoTasks, out)
	stats := model.Stats()
	fmt.Fprintf(out, "model server: %d requests from agents, %d errors\n", stats.Main, stats.Errors)
	fmt.Fprintf(out, "demo files are under %s\n", workspaces)
	return ok, err
}

// CheckDemo checks the pool settings of a demo before it starts anything,
// so a bad value is reported first. The demo sets the workspace root
// itself.
func CheckDemo(cfg Config) error {
	if cfg.Profile == "" && cfg.AgentCommand == "" {
		cfg.Profile = "claude"
	}
	cfg.WorkspaceRoot = "workspaces"
	opts, err := cfg.poolOptions()
	if err != nil {
		return err
	}
	return opts.Check()
}

// requestsPermission reports whether Claude Code requests permission before
// it changes files in permission mode. Mode default requests it for each
// edit, and mode plan before it leaves the plan.
func requestsPermission(mode string) bool {
	return mode == "default" || mode == "plan"
}

func demoBinary(bin string) (string, error) {
	if bin == "" {
		wd, _ := os.Getwd()
		bin = claudeenv.FindBinary(wd)
	}
	if bin == "" {
		return "", fmt.Errorf("claude not found: install it with " +
			"npm install --prefix .cache/npm @anthropic-ai/claude-code@2.1.197, or pass --claude PATH")
	}
	if _, err := os.Stat(bin); err != nil {
		return "", fmt.Errorf("claude binary %s: %w", bin, err)
	}
	return bin, nil
}
