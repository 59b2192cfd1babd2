// Command axiom-bench measures axiom-mcp against baselines run in the same
// run on the same machine, prints each figure beside its baseline and
// target, and writes the table to docs/benchmarks.md.
//
// Usage:
//
//	go run ./cmd/axiom-bench [-run REGEXP] [-doc FILE] [-quick]
//
// Run it from the module root. As root it runs inside a new network
// namespace whose only interface is loopback, so no agent can reach another
// host. The benchmark of the server's CPU next to real Claude Code
// instances needs the pinned CLI (scripts/install-claude installs it) and a
// loopback-only network. Without them it is skipped, and the command prints
// the reason.
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
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"go.uber.org/zap"

	"github.com/axiom-mcp/axiom-mcp/internal/bench"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	var child childExit
	switch {
	case errors.Is(err, flag.ErrHelp):
		return
	case errors.Is(err, errInterrupted):
		fmt.Fprintln(os.Stderr, "axiom-bench:", err)
		os.Exit(interruptedExit)
	case errors.As(err, &child):
		os.Exit(int(child)) // the copy in the namespace has printed its errors
	case err != nil:
		fmt.Fprintln(os.Stderr, "axiom-bench:", err)
		os.Exit(1)
	}
}

// errInterrupted ends a run stopped by SIGINT or SIGTERM, with the exit
// status shells report for SIGINT.
var errInterrupted = errors.New("interrupted")

const interruptedExit = 130

// childExit is the exit status of the copy of the command that ran in the
// network namespace.
type childExit int

func (c childExit) Error() string { return fmt.Sprintf("exit status %d", int(c)) }

// options are the command-line settings.
type options struct {
	run        *regexp.Regexp
	doc        string
	quick      bool
	cpuProfile string
	args       []string
}

func parseFlags(args []string) (options, error) {
	fs := flag.NewFlagSet("axiom-bench", flag.ContinueOnError)
	// main prints a parse error once; -h prints the flags to stdout.
	fs.SetOutput(io.Discard)
	runPattern := fs.String("run", "", "run only the benchmarks whose name matches this regular expression: "+names())
	doc := fs.String("doc", "docs/benchmarks.md", "page whose generated table gets the results; empty to write none")
	quick := fs.Bool("quick", false, "fewer repetitions, to try the command; the figures are not written to -doc")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of this process, which runs the in-process pools, to this file")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(os.Stdout)
			fmt.Println("Usage: go run ./cmd/axiom-bench [flags], from the module root")
			fs.PrintDefaults()
			return options{}, err
		}
		return options{}, fmt.Errorf("%w (see -h for the flags)", err)
	}
	if fs.NArg() > 0 {
		return options{}, fmt.Errorf("unexpected argument %q: select benchmarks with -run", fs.Arg(0))
	}

	re, err := regexp.Compile(*runPattern)
	if err != nil {
		return options{}, fmt.Errorf("-run %q is not a regular expression: %w", *runPattern, err)
	}
	if !matchesAny(re) {
		return options{}, fmt.Errorf("-run %q matches no benchmark: the benchmarks are %s", *runPattern, names())
	}
	if err := checkDoc(*doc, *quick); err != nil {
		return options{}, err
	}
	return options{run: re, doc: *doc, quick: *quick, cpuProfile: *cpuProfile, args: args}, nil
}

func matchesAny(re *regexp.Regexp) bool {
	for _, b := range bench.All() {
		if re.MatchString(b.Name) {
			return true
		}
	}
	return false
}

// checkDoc fails at the start, not after the benchmarks ran, when the page
// the results go to cannot be written.
func checkDoc(doc string, quick bool) error {
	if doc == "" || quick {
		return nil
	}
	dir := filepath.Dir(doc)
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		return fmt.Errorf("-doc %s: directory %s not found: run from the module root, or give -doc a path "+
			"in an existing directory, or -doc '' to write no page", doc, dir)
	}
	return nil
}

func names() string {
	var all []string
	for _, b := range bench.All() {
		all = append(all, b.Name)
	}
	return strings.Join(all, ", ")
}

func run(ctx context.Context, args []string, out io.Writer) error {
	opts, err := parseFlags(args)
	if err != nil {
		return err
	}
	if done, err := reexecInNetns(ctx, args); done || err != nil {
		return err
	}
	env, cleanup, err := prepare(out, opts.quick)
	if err != nil {
		return err
	}
	defer cleanup()
	if opts.cpuProfile != "" {
		stopProfile, err := startCPUProfile(opts.cpuProfile)
		if err != nil {
			return err
		}
		defer stopProfile()
	}

	machine := bench.ReadMachine()
	fmt.Fprintf(out, "machine: %s\n", machine)
	rows, failed := runAll(ctx, env, opts, machine, out)
	if opts.doc != "" && !opts.quick && len(rows) > 0 {
		if err := writeDoc(opts.doc, rows); err != nil {
			return err
		}
		fmt.Fprintf(out, "wrote %s to %s\n", plural(len(rows), "row"), opts.doc)
	}
	if ctx.Err() != nil {
		return errInterrupted
	}
	if failed > 0 {
		return fmt.Errorf("%s failed", plural(failed, "benchmark"))
	}
	return nil
}

// runAll runs the selected benchmarks one after the other and returns a
// row for each that finished, and how many failed.
func runAll(ctx context.Context, env *bench.Env, opts options, machine bench.Machine, out io.Writer) ([]bench.Row, int) {
	var rows []bench.Row
	failed := 0
	for _, b := range bench.All() {
		if !opts.run.MatchString(b.Name) || ctx.Err() != nil {
			continue
		}
		fmt.Fprintf(out, "== %s\n", b.Name)
		start := time.Now()
		res, err := runOne(ctx, env, b)
		var skip *bench.SkipError
		if errors.As(err, &skip) {
			fmt.Fprintf(out, "  SKIPPED: %s\n", skip.Reason)
			continue
		}
		if err != nil && ctx.Err() != nil {
			fmt.Fprintf(out, "  interrupted after %s\n", time.Since(start).Round(time.Second))
			continue
		}
		if err != nil {
			failed++
			fmt.Fprintf(out, "  FAILED after %s: %v\n", time.Since(start).Round(time.Second), err)
			continue
		}
		printResult(out, res, time.Since(start))
		rows = append(rows, bench.Row{Result: res, Date: time.Now(), Machine: machine.Short(),
			Command: "go run ./cmd/axiom-bench -run '^" + b.Name + "$'"})
	}
	return rows, failed
}

// runOne runs b in its own directory, which it removes afterwards.
func runOne(ctx context.Context, env *bench.Env, b bench.Benchmark) (bench.Result, error) {
	dir, err := os.MkdirTemp("", "axiom-bench-"+b.Name+"-")
	if err != nil {
		return bench.Result{}, fmt.Errorf("make a directory for the benchmark: %w", err)
	}
	defer os.RemoveAll(dir)
	local := *env
	local.Dir = dir
	return b.Run(ctx, &local)
}

func printResult(out io.Writer, res bench.Result, took time.Duration) {
	met := "met"
	if !res.Met {
		met = "MISSED"
	}
	fmt.Fprintf(out, "  figure:   %s\n  baseline: %s\n  ratio:    %s\n  target:   %s (%s)\n",
		res.Figure, res.Baseline, res.Ratio, res.Target, met)
	if res.Note != "" {
		fmt.Fprintf(out, "  note:     %s\n", res.Note)
	}
	fmt.Fprintf(out, "  took %s\n", took.Round(time.Second))
}

func writeDoc(path string, rows []bench.Row) error {
	page, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("read %s: %w", path, err)
	}
	if err := os.WriteFile(path, []byte(bench.UpdateSection(string(page), rows)), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// plural formats a count of things, such as "1 row" or "3 rows".
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// startCPUProfile profiles this process into path until the returned
// function is called.
func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("create CPU profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("start CPU profile %s: %w", path, err)
	}
	return func() {
		pprof.StopCPUProfile()
		_ = f.Close()
	}, nil
}

// newLogger logs errors of in-process pools to stderr. Their warnings
// are the agents' questions and scores, which the benchmarks provoke.
func newLogger() *zap.Logger {
	cfg := zap.NewDevelopmentConfig()
	cfg.Level = zap.NewAtomicLevelAt(zap.ErrorLevel)
	cfg.DisableStacktrace = true
	log, err := cfg.Build()
	if err != nil {
		return zap.NewNop()
	}
	return log
}
