// Command axiom-mcp is an MCP server that runs coding-agent CLIs in
// parallel, each in its own pseudo-terminal and workspace, scores their
// productivity and replaces the idle and the unproductive.
//
// Usage:
//
//	axiom-mcp [serve] [flags]        serve MCP over stdio (the default)
//	axiom-mcp serve --http ADDR      serve MCP over streamable HTTP
//	axiom-mcp run [flags] [FILE] [-prompt P]...
//	axiom-mcp top --url URL          live table of a running HTTP server
//	axiom-mcp demo [flags]           real Claude Code against a scripted model
//	axiom-mcp profile list|show|check
//	axiom-mcp score corpus
//	axiom-mcp cleanup [--workspace-root DIR] [--dry-run]
//	axiom-mcp history [--state-dir DIR] [--limit N]
//	axiom-mcp logs [--state-dir DIR] [--follow] INSTANCE_ID
//	axiom-mcp version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/axiom-mcp/axiom-mcp/internal/app"
	"github.com/axiom-mcp/axiom-mcp/pkg/tools"
	"github.com/axiom-mcp/axiom-mcp/pkg/tui"
)

// softMemoryLimit is the heap size past which the garbage collector runs
// more often. Agents that flood their terminals make short-lived buffers
// fast, and without a limit the heap doubles before each collection.
const softMemoryLimit = 96 << 20

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(softMemoryLimit)
	}
	os.Exit(run(os.Args[1:]))
}

// run executes one command and returns the process exit code: 0 on
// success, 1 when a task failed or the server stopped on an error, 2 for a
// usage error.
func run(args []string) int {
	command := "serve"
	if len(args) > 0 && !isFlag(args[0]) {
		command, args = args[0], args[1:]
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	switch command {
	case "serve":
		return serve(ctx, args)
	case "run":
		return runTasks(ctx, args)
	case "demo":
		return demo(ctx, args)
	case "top":
		return top(ctx, args)
	case "profile":
		return app.ProfileCommand(args, os.Stdout, os.Stderr)
	case "score":
		return app.ScoreCommand(args, os.Stdout, os.Stderr)
	case "cleanup":
		return app.CleanupCommand(ctx, args, os.Stdout, os.Stderr)
	case "history":
		return app.HistoryCommand(ctx, args, os.Stdout, os.Stderr)
	case "logs":
		return app.LogsCommand(ctx, args, os.Stdout, os.Stderr)
	case "version":
		fmt.Println("axiom-mcp", app.Version)
		return 0
	case "help", "-h", "--help":
		usage()
		return 0
	default:
		fmt.Fprintf(os.Stderr, "axiom-mcp: unknown command %q\n", command)
		usage()
		return 2
	}
}

func serve(ctx context.Context, args []string) int {
	// Reserve stdout for JSON-RPC before anything can print to it.
	transport, err := app.ProtectStdout()
	if err != nil {
		fmt.Fprintln(os.Stderr, "axiom-mcp:", err)
		return 1
	}
	fs, flags := newFlagSet("serve")
	planner := fs.String("planner", "", "Claude Code program, such as claude, that writes plans for the "+
		"decompose tool's agent mode (default: none, so decompose splits lists only)")
	waitMax := fs.Duration("wait-max", tools.DefaultWaitMax, "longest wait a wait tool call may ask for with timeout_seconds")
	var httpOpts app.HTTPOptions
	var tokenFile string
	var hosts stringList
	fs.StringVar(&httpOpts.Addr, "http", "", "serve streamable HTTP on this address (such as 127.0.0.1:8765) instead of stdio")
	fs.StringVar(&tokenFile, "token-file", "", "file whose first line is the bearer token HTTP clients must send (or set AXIOM_MCP_TOKEN)")
	fs.Var(&hosts, "allow-host", "a Host name HTTP clients may use besides loopback names; repeat for several")
	stateDir := fs.String("state-dir", "", "directory of the database of tasks, attempts and events, which a "+
		"restart after a crash recovers (default: the config file's state_dir, else "+app.DefaultStateDir()+")")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "axiom-mcp serve: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	cfg, cleanup, err := flags.config()
	if err != nil {
		fmt.Fprintln(os.Stderr, "axiom-mcp:", err)
		return 2
	}
	defer cleanup()
	cfg.Planner = *planner
	if *waitMax <= 0 {
		fmt.Fprintf(os.Stderr, "axiom-mcp serve: --wait-max %s is not positive: give a duration such as 600s\n", *waitMax)
		return 2
	}
	cfg.WaitMax = *waitMax
	if *stateDir != "" {
		cfg.StateDir = *stateDir
	}
	if cfg.StateDir == "" {
		cfg.StateDir = app.DefaultStateDir()
	}
	if httpOpts.Addr == "" {
		if err := app.Serve(ctx, cfg, os.Stdin, transport); err != nil {
			cfg.Logger.Error("server stopped on an error: " + err.Error())
			return 1
		}
		return 0
	}
	return serveHTTP(ctx, cfg, httpOpts, tokenFile, hosts)
}

// serveHTTP serves streamable HTTP with the token from tokenFile or the
// environment.
func serveHTTP(ctx context.Context, cfg app.Config, opts app.HTTPOptions, tokenFile string, hosts []string) int {
	opts.Token, opts.AllowedHosts = os.Getenv("AXIOM_MCP_TOKEN"), hosts
	if tokenFile != "" {
		token, err := app.TokenFromFile(tokenFile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "axiom-mcp serve: --token-file:", err)
			return 2
		}
		opts.Token = token
	}
	ln, err := opts.Listen()
	if err != nil {
		fmt.Fprintln(os.Stderr, "axiom-mcp serve:", err)
		return 2
	}
	if err := app.ServeHTTP(ctx, cfg, ln, opts); err != nil {
		cfg.Logger.Error("server stopped on an error: " + err.Error())
		return 1
	}
	return 0
}

func runTasks(ctx context.Context, args []string) int {
	fs, flags := newFlagSet("run")
	var prompts stringList
	fs.Var(&prompts, "prompt", "a task prompt; repeat for several tasks")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	specs, err := taskSpecs(fs.Args(), prompts)
	if err != nil {
		fmt.Fprintln(os.Stderr, "axiom-mcp run:", err)
		return 2
	}
	cfg, cleanup, err := printerConfig("run", fs, flags)
	if err != nil {
		fmt.Fprintln(os.Stderr, "axiom-mcp run:", err)
		return 2
	}
	defer cleanup()
	ok, err := app.RunTasks(ctx, cfg, specs, os.Stdout)
	return exitCode("run", ok, err)
}

func demo(ctx context.Context, args []string) int {
	fs, flags := newFlagSet("demo")
	claude := fs.String("claude", "", "path of the Claude Code binary (default: $AXIOM_CLAUDE_BIN, "+
		".cache/npm in the source tree, or claude on PATH)")
	dir := fs.String("dir", "", "directory for the demo's workspaces and Claude config (default: a new temporary directory)")
	for _, arg := range args {
		if name, _, _ := strings.Cut(strings.TrimLeft(arg, "-"), "="); name == "workspace-root" && arg != name {
			fmt.Fprintln(os.Stderr, "axiom-mcp demo: --workspace-root is not a demo flag: the demo keeps its "+
				"workspaces under DIR/workspaces; give the directory with --dir DIR")
			return 2
		}
	}
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "axiom-mcp demo: unexpected argument %q: the demo runs its own five tasks; "+
			"use run for tasks of yours\n", fs.Arg(0))
		return 2
	}
	cfg, cleanup, err := printerConfig("demo", fs, flags)
	if err != nil {
		fmt.Fprintln(os.Stderr, "axiom-mcp demo:", err)
		return 2
	}
	defer cleanup()
	if err := app.CheckDemo(cfg); err != nil {
		fmt.Fprintln(os.Stderr, "axiom-mcp demo:", err)
		return 2
	}
	ok, err := app.Demo(ctx, app.DemoConfig{Config: cfg, ClaudeBinary: *claude, Dir: *dir}, os.Stdout)
	return exitCode("demo", ok, err)
}

// printerConfig builds the configuration of a command that prints every
// pool event itself, run or demo. Its log leaves the events out and shows
// only warnings and errors unless -log-level is given. On a terminal
// the log goes to a file that the first line names, because log lines
// would break the live table.
func printerConfig(command string, fs *flag.FlagSet, flags *commonFlags) (app.Config, func(), error) {
	if !flagGiven(fs, "log-level") {
		flags.logLevel = "warn"
	}
	chosen := ""
	if flags.logFile == "" && tui.IsTerminal(os.Stdout) && tui.IsTerminal(os.Stderr) {
		chosen = filepath.Join(os.TempDir(), fmt.Sprintf("axiom-mcp-%s-%d.log", command, os.Getpid()))
		flags.logFile = chosen
		fmt.Fprintf(os.Stderr, "axiom-mcp %s: logs go to %s\n", command, chosen)
	}
	cfg, cleanup, err := flags.config()
	cfg.QuietEvents = true
	if err != nil || chosen == "" {
		return cfg, cleanup, err
	}
	// A run that logged nothing leaves no empty file behind.
	return cfg, func() {
		cleanup()
		if info, err := os.Stat(chosen); err == nil && info.Size() == 0 {
			_ = os.Remove(chosen)
		}
	}, nil
}

func exitCode(command string, ok bool, err error) int {
	if err != nil {
		fmt.Fprintf(os.Stderr, "axiom-mcp %s: %v\n", command, err)
		return 1
	}
	if !ok {
		return 1
	}
	return 0
}

// parse parses args into fs. A bad flag prints its error and a pointer to
// -h instead of every flag of the command, which -h alone prints.
func parse(fs *flag.FlagSet, args []string) (int, bool) {
	out := fs.Output()
	fs.SetOutput(io.Discard)
	err := parseInterleaved(fs, args)
	fs.SetOutput(out)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fs.Usage()
		return 0, false
	case err != nil:
		fmt.Fprintf(out, "%s: %v%s\nrun '%s -h' to list the flags\n", fs.Name(), err, durationHint(fs, err), fs.Name())
		return 2, false
	}
	return 0, true
}

// badFlagValue finds the flag name in the flag package's error for a value
// it could not parse.
var badFlagValue = regexp.MustCompile(`^invalid value ".*" for flag -(\S+): `)

// durationHint returns a hint when err rejects the value of a duration
// flag, whose parse error does not say that a unit is needed.
func durationHint(fs *flag.FlagSet, err error) string {
	match := badFlagValue.FindStringSubmatch(err.Error())
	if match == nil {
		return ""
	}
	if f := fs.Lookup(match[1]); f != nil {
		if getter, ok := f.Value.(flag.Getter); ok {
			if _, isDuration := getter.Get().(time.Duration); isDuration {
				return ": write a duration with its unit, such as 30s or 2m"
			}
		}
	}
	return ""
}

// parseInterleaved parses flags that come before, between and after the
// positional arguments, so "run tasks.yaml -max-instances 4" works like
// "run -max-instances 4 tasks.yaml". A "--" ends the flags. The positional
// arguments are left in fs.Args() by a last parse of them alone.
func parseInterleaved(fs *flag.FlagSet, args []string) error {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			positional = append(positional, rest...)
			break
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
	return fs.Parse(append([]string{"--"}, positional...))
}

func isFlag(arg string) bool { return len(arg) > 0 && arg[0] == '-' && arg != "-h" && arg != "--help" }

func usage() {
	fmt.Fprint(os.Stderr, `Usage:
  axiom-mcp [serve] [flags]                 serve MCP over stdio (the default)
  axiom-mcp serve --http 127.0.0.1:PORT     serve MCP over streamable HTTP at /mcp
  axiom-mcp run [flags] [FILE] [-prompt P]  run tasks from a YAML/JSON file or prompts
  axiom-mcp demo [flags]                    run real Claude Code against a scripted model
  axiom-mcp top --url URL [--token-file F]  show the live instance table of a running
                                            HTTP server; Enter opens an instance's screen
  axiom-mcp profile list|show|check         list agent profiles, print one, or check one
                                            against a saved screen or recording
  axiom-mcp score corpus [--config FILE] [--scoring KEY=VALUE]...
                                            judge the labelled behaviour traces and print
                                            each verdict against its target
  axiom-mcp cleanup [--workspace-root DIR] [--dry-run]
                                            remove workspaces that hold no work and
                                            list the kept ones with the reason
  axiom-mcp history [--state-dir DIR] [--limit N]
                                            list past runs and their tasks
  axiom-mcp logs [--state-dir DIR] [--follow] INSTANCE_ID
                                            print an instance's recorded events and
                                            final screen
  axiom-mcp version

Run "axiom-mcp COMMAND -h" for the flags of a command.
`)
}

// flagGiven reports whether the flag name was set on the command line.
func flagGiven(fs *flag.FlagSet, name string) bool {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}
