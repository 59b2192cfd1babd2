package app

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/axiom-mcp/axiom-mcp/pkg/scoring"
	"github.com/axiom-mcp/axiom-mcp/pkg/scoring/corpus"
)

const scoreUsage = `Usage:
  axiom-mcp score corpus [--dir DIR] [--config FILE] [--scoring KEY=VALUE]... [--markdown]

corpus replays labelled behaviour traces through the scoring tracker, one
sample a second on a simulated clock, and prints one row per trace: the
behaviour, its label, the expected and the actual verdict, the time of the
verdict in seconds from the start, the target and whether it was met.
Without --dir it replays the traces built into the binary. --config and
--scoring set the thresholds and weights as they do for serve and run.

Exit status: 0 when every target is met, 1 when a target is missed or a file
cannot be read, 2 on a usage error.
`

// errTargetsMissed marks a run in which a trace missed its target. The
// table already explains the misses, so nothing more is printed.
var errTargetsMissed = errors.New("targets missed")

// ScoreCommand runs `axiom-mcp score`: args are the words after "score".
// It writes results to stdout and errors to stderr, and returns the exit
// status: 0 when every target is met, 1 when a target is missed or a trace
// cannot be read, and 2 on a usage error or a bad --config file, as the
// other commands do.
func ScoreCommand(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, "axiom-mcp score: missing subcommand: use corpus\n\n"+scoreUsage)
		return 2
	}
	var err error
	switch args[0] {
	case "corpus":
		err = scoreCorpus(args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, scoreUsage)
		return 0
	default:
		err = usagef("unknown subcommand %q: use corpus", args[0])
	}
	return scoreExitCode(err, stderr)
}

func scoreExitCode(err error, stderr io.Writer) int {
	switch {
	case err == nil || errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errTargetsMissed):
		return 1
	}
	fmt.Fprintln(stderr, "axiom-mcp score:", err)
	var usage usageError
	if errors.As(err, &usage) {
		return 2
	}
	return 1
}

// corpusOptions are the parsed arguments of `score corpus`.
type corpusOptions struct {
	dir, config string
	scoring     settingList
	markdown    bool
}

// settingList is a repeatable KEY=VALUE flag.
type settingList []string

func (s *settingList) String() string     { return strings.Join(*s, ", ") }
func (s *settingList) Set(v string) error { *s = append(*s, v); return nil }

func parseCorpusArgs(args []string, stderr io.Writer) (corpusOptions, error) {
	fs := flag.NewFlagSet("axiom-mcp score corpus", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var opts corpusOptions
	fs.StringVar(&opts.dir, "dir", "", "directory of trace files (*.yaml, *.yml) to replay instead of the built-in corpus")
	fs.StringVar(&opts.config, "config", "", "configuration file whose thresholds and weights the tracker uses")
	fs.Var(&opts.scoring, "scoring", "a scoring threshold or weight as KEY=VALUE, such as idle_timeout=45s; "+
		"repeatable, and applied after --config")
	fs.BoolVar(&opts.markdown, "markdown", false, "print the table as Markdown")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return corpusOptions{}, err
		}
		return corpusOptions{}, usageError{err}
	}
	if fs.NArg() > 0 {
		return corpusOptions{}, usagef("corpus takes no arguments, got %q: give a directory with --dir", fs.Arg(0))
	}
	return opts, nil
}

func scoreCorpus(args []string, stdout, stderr io.Writer) error {
	opts, err := parseCorpusArgs(args, stderr)
	if err != nil {
		return err
	}
	th, w, err := corpusSettings(opts)
	if err != nil {
		return err
	}
	traces, err := loadCorpus(opts.dir)
	if err != nil {
		return err
	}
	outcomes := make([]corpus.Outcome, len(traces))
	for i, trace := range traces {
		outcomes[i] = corpus.Run(trace, th, w)
	}
	if err := printOutcomes(stdout, outcomes, opts.markdown); err != nil {
		return err
	}
	if printMisses(stdout, outcomes, th.WithDefaults()) > 0 {
		return errTargetsMissed
	}
	return nil
}

// corpusSettings returns the thresholds and weights of the --config file
// with each --scoring setting applied in order. A bad setting is a usage
// error.
func corpusSettings(opts corpusOptions) (scoring.Thresholds, scoring.Weights, error) {
	var th scoring.Thresholds
	var w scoring.Weights
	if opts.config != "" {
		fc, err := LoadFileConfig(opts.config)
		if err != nil {
			return th, w, usageError{err}
		}
		th, w = fc.Thresholds, fc.Weights
	}
	for _, setting := range opts.scoring {
		if err := SetScoring(&th, &w, setting); err != nil {
			return th, w, usageError{fmt.Errorf("--scoring: %w", err)}
		}
	}
	if err := w.Validate(); err != nil {
		return th, w, usageError{fmt.Errorf("--scoring: %w", err)}
	}
	return th, w, nil
}

func loadCorpus(dir string) ([]corpus.Trace, error) {
	if dir == "" {
		return corpus.Builtin()
	}
	traces, err := corpus.Load(dir)
	if err != nil {
		return nil, fmt.Errorf("--dir: %w", err)
	}
	return traces, nil
}

// outcomeRow returns the cells of one table row.
func outcomeRow(o corpus.Outcome) []string {
	at := "-"
	if o.Verdict != scoring.Keep {
		at = formatSeconds(o.At)
	}
	met := "no"
	if o.Met {
		met = "yes"
	}
	return []string{o.Name, string(o.Label), string(o.Expect), o.Verdict.String(), at, o.Target(), met}
}

var outcomeHeader = []string{"behaviour", "label", "expected", "verdict", "at", "target", "met"}

func printOutcomes(stdout io.Writer, outcomes []corpus.Outcome, markdown bool) error {
	if markdown {
		fmt.Fprintf(stdout, "| %s |\n", strings.Join(outcomeHeader, " | "))
		fmt.Fprintf(stdout, "|%s\n", strings.Repeat(" --- |", len(outcomeHeader)))
		for _, o := range outcomes {
			fmt.Fprintf(stdout, "| %s |\n", strings.Join(outcomeRow(o), " | "))
		}
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.ToUpper(strings.Join(outcomeHeader, "\t")))
	for _, o := range outcomes {
		fmt.Fprintln(tw, strings.Join(outcomeRow(o), "\t"))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write table: %w", err)
	}
	return nil
}

// printMisses writes the reason of each missed target and a count with the
// main thresholds, and returns the number of misses.
func printMisses(stdout io.Writer, outcomes []corpus.Outcome, th scoring.Thresholds) int {
	missed := 0
	for _, o := range outcomes {
		if !o.Met {
			missed++
			fmt.Fprintf(stdout, "\nmissed %s: %s", o.Name, o.Miss)
		}
	}
	if missed > 0 {
		fmt.Fprintln(stdout)
	}
	fmt.Fprintf(stdout, "\n%d of %d targets met with idle_timeout %s, unproductive_for %s, min_score %d, input_timeout %s\n",
		len(outcomes)-missed, len(outcomes), formatSeconds(th.IdleTimeout), formatSeconds(th.UnproductiveFor),
		th.MinScore, formatSeconds(th.InputTimeout))
	return missed
}

// formatSeconds formats d in whole seconds.
func formatSeconds(d time.Duration) string {
	return fmt.Sprintf("%gs", d.Seconds())
}
