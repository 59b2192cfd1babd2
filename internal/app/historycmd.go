package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/axiom-mcp/axiom-mcp/pkg/store"
)

const historyUsage = `Usage:
  axiom-mcp history [--state-dir DIR] [--config FILE] [--limit N]

history lists the latest runs of the server recorded in the state
database, newest first, and the tasks each run queued: state, attempts,
when they were queued and finished, and the last error.
`

// HistoryCommand runs `axiom-mcp history`: args are the words after
// "history". It prints to stdout, errors to stderr, and returns the exit
// status.
func HistoryCommand(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return exitStatus("history", history(ctx, args, stdout, stderr), stderr)
}

func history(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("axiom-mcp history", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, historyUsage, "\nFlags:\n")
		fs.PrintDefaults()
	}
	var sf stateFlags
	sf.register(fs)
	limit := fs.Int("limit", 10, "number of runs to list, newest first; 0 lists all")

	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err}
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q: history takes only flags", fs.Arg(0))
	}
	if *limit < 0 {
		return usagef("--limit %d is negative: give a number of runs, or 0 for all", *limit)
	}

	st, err := sf.openExisting(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	runs, err := st.Runs(ctx, *limit)
	if err != nil {
		return err
	}
	if len(runs) == 0 {
		fmt.Fprintf(stdout, "no runs recorded in %s\n", st.Path())
		return nil
	}
	for i, run := range runs {
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		tasks, err := st.TasksOfRun(ctx, run.ID)
		if err != nil {
			return err
		}
		printRun(stdout, run, tasks)
	}
	return nil
}

// printRun writes a run's header line and a table of its tasks.
func printRun(w io.Writer, run store.Run, tasks []store.Task) {
	fmt.Fprintf(w, "run %d: started %s, pid %d, version %s, %s\n", run.ID, formatTime(run.StartedAt), run.PID,
		run.Version, runEnd(run))
	if len(tasks) == 0 {
		fmt.Fprintln(w, "  no tasks")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  TASK\tNAME\tSTATE\tATTEMPTS\tQUEUED\tFINISHED\tLAST ERROR")
	for _, t := range tasks {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, dash(t.Name), t.State, attemptsOf(t),
			formatTime(t.CreatedAt), formatTime(t.FinishedAt), dash(oneLine(t.LastError, 100)))
	}
	_ = tw.Flush()
}

// attemptsOf words a task's attempts out of its maximum. A task gets one
// attempt beyond its maximum for each server crash that interrupted its
// last attempt.
func attemptsOf(t store.Task) string {
	extra := t.Attempts - t.MaxAttempts
	switch {
	case extra == 1:
		return fmt.Sprintf("%d/%d+1 after a crash", t.MaxAttempts, t.MaxAttempts)
	case extra > 1:
		return fmt.Sprintf("%d/%d+%d after crashes", t.MaxAttempts, t.MaxAttempts, extra)
	}
	return fmt.Sprintf("%d/%d", t.Attempts, t.MaxAttempts)
}

// runEnd words how a run ended.
func runEnd(run store.Run) string {
	switch {
	case !run.EndedAt.IsZero():
		return "ended " + formatTime(run.EndedAt)
	case run.RecoveredBy != 0:
		return fmt.Sprintf("stopped without ending, recovered by run %d", run.RecoveredBy)
	case !processAlive(run.PID):
		return fmt.Sprintf("stopped without ending (pid %d is gone); start the server on this state directory "+
			"to recover its tasks", run.PID)
	}
	return "still running"
}

// formatTime formats t in local time to the second, or "-" for the zero
// time.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format("2006-01-02 15:04:05")
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// oneLine returns s on one line, cut to at most limit bytes with an
// ellipsis.
func oneLine(s string, limit int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= limit {
		return s
	}
	cut := limit
	for cut > 0 && (s[cut]&0xC0) == 0x80 {
		cut--
	}
	return s[:cut] + "…"
}
