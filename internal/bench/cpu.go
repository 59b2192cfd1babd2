package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"go.uber.org/zap"

	"github.com/axiom-mcp/axiom-mcp/internal/claudeenv"
	"github.com/axiom-mcp/axiom-mcp/pkg/mockmodel"
)

// cpuInstances is how many Claude Code instances run at once.
const cpuInstances = 8

// cpuTargetShare is the target: the server's CPU time under this share of
// its agents'.
const cpuTargetShare = 0.10

// cpuScriptFor returns the scripted turn: ten paced writes of about a
// minute in all, or four short ones for a quick run.
func cpuScriptFor(quick bool) cpuScript {
	if quick {
		return cpuScript{pace: time.Second, files: 4}
	}
	return cpuScript{pace: 6 * time.Second, files: 10}
}

// ServerCPU measures the CPU time of `axiom-mcp serve` as a share of the CPU
// time of its agents and their children. The server runs eight interactive
// Claude Code instances at once, and each works through a scripted turn of
// about a minute against the scripted model server.
//
// Both figures come from the server's /proc/PID/stat, read after every
// agent has exited and been reaped and before the server's stdin closes.
// utime+stime is the server's own time. cutime+cstime is the time of the
// agents it reaped, each with the children that the agent waited for.
func ServerCPU(ctx context.Context, env *Env) (Result, error) {
	if env.Claude == "" {
		reason := env.ClaudeMissing
		if reason == "" {
			reason = "no Claude Code CLI was given"
		}
		return Result{}, &SkipError{Reason: reason}
	}
	model := mockmodel.New(env.Log.Named("model"))
	baseURL, err := model.Start("127.0.0.1:0")
	if err != nil {
		return Result{}, fmt.Errorf("cpu: start the scripted model server: %w", err)
	}
	defer closeModel(env.Log, model)

	script := cpuScriptFor(env.Quick)
	usage, run, err := measureServerCPU(ctx, env, baseURL, script)
	if err != nil {
		return Result{}, fmt.Errorf("cpu: %w", err)
	}
	if err := checkCPUTasks(run.Tasks, cpuInstances, script); err != nil {
		return Result{}, fmt.Errorf("cpu: %w", err)
	}
	return cpuResult(usage, run)
}

// measureServerCPU runs the server and its tasks against the model at
// baseURL and returns the server's CPU time read once every agent has
// been reaped. It stops the server, and every agent left, before it
// returns.
func measureServerCPU(ctx context.Context, env *Env, baseURL string, script cpuScript) (
	usage cpuUsage, run cpuRun, err error) {
	workspaces := filepath.Join(env.Dir, "workspaces")
	claudeVars, err := claudeenv.Prepare(filepath.Join(env.Dir, "claude"), baseURL, workspaces)
	if err != nil {
		return cpuUsage{}, cpuRun{}, fmt.Errorf("prepare the Claude Code environment: %w", err)
	}
	// The claude profile runs "claude", so the pinned binary's directory
	// goes first on the PATH that the agents inherit.
	claudeVars = append(claudeVars, "PATH="+filepath.Dir(env.Claude)+string(os.PathListSeparator)+os.Getenv("PATH"))
	server, err := startCPUServer(ctx, env, claudeVars,
		"--profile", "claude", "--max-instances", strconv.Itoa(cpuInstances),
		"--workspace-root", workspaces, "--state-dir", filepath.Join(env.Dir, "state"))
	if err != nil {
		return cpuUsage{}, cpuRun{}, err
	}
	defer func() {
		if stopErr := server.stop(); stopErr != nil && err == nil {
			err = stopErr
		}
	}()

	deadline := 3*script.turn() + 2*time.Minute
	if run, err = runCPUTasks(ctx, env, server, script, cpuInstances, deadline); err != nil {
		return cpuUsage{}, cpuRun{}, err
	}
	reapCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := waitChildrenReaped(reapCtx, server.pid()); err != nil {
		return cpuUsage{}, cpuRun{}, fmt.Errorf("wait for axiom-mcp to reap its agents: %w", err)
	}
	usage, err = readCPUUsage(server.pid())
	return usage, run, err
}

// cpuResult compares the server's own CPU time with that of its agents.
func cpuResult(usage cpuUsage, run cpuRun) (Result, error) {
	if usage.Children <= 0 {
		return Result{}, fmt.Errorf("cpu: the agents used no CPU time (cutime+cstime of the server is %s): "+
			"check that axiom-mcp started them as its own child processes", usage.Children)
	}
	share := usage.Own.Seconds() / usage.Children.Seconds()
	res := Result{
		Name:   "server CPU",
		Figure: fmt.Sprintf("server %.2f s CPU, %.1f%% of the agents'", usage.Own.Seconds(), 100*share),
		Baseline: fmt.Sprintf("%d Claude Code instances and their children: %.1f s CPU",
			cpuInstances, usage.Children.Seconds()),
		Ratio:  fmt.Sprintf("%.3f", share),
		Target: fmt.Sprintf("under %.0f%% of the agents' CPU", 100*cpuTargetShare),
		Met:    share < cpuTargetShare,
	}
	res.Note = fmt.Sprintf("%d of %d tasks succeeded with %d instances in %s wall time; the server averaged "+
		"%.3f cores and the agents %.2f cores.", succeededCount(run.Tasks), cpuInstances, attemptCount(run.Tasks),
		run.Wall.Round(time.Second), usage.Own.Seconds()/run.Wall.Seconds(), usage.Children.Seconds()/run.Wall.Seconds())
	if !res.Met {
		res.Note = fmt.Sprintf("Target missed: the server used %.1f%% of the agents' CPU time, over %.0f%%. %s",
			100*share, 100*cpuTargetShare, res.Note)
	}
	return res, nil
}

// closeModel stops the scripted model server, cutting off requests still
// open after 5 s.
func closeModel(log *zap.Logger, model *mockmodel.Server) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := model.Close(ctx); err != nil {
		log.Warn("close the scripted model server failed", zap.Error(err))
	}
}
