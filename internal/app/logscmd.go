package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
	"github.com/axiom-mcp/axiom-mcp/pkg/store"
)

const logsUsage = `Usage:
  axiom-mcp logs [--state-dir DIR] [--config FILE] [--follow] INSTANCE_ID|TASK_ID|TASK_NAME

logs prints what the state database holds about one instance: its
output file when one is recorded, else its screen when it ended and its
events. Given a task id or name, as history lists them, it prints the
task's newest attempt and names the instances of the others; a name
that several runs used means the newest task of that name. With --follow it
keeps printing new output or events until the instance ends.
`

// logsPollInterval is how often --follow checks for new output.
const logsPollInterval = 500 * time.Millisecond

// logsPageSize is how many events one read of the store returns.
const logsPageSize = 500

// LogsCommand runs `axiom-mcp logs`: args are the words after "logs". It
// prints to stdout, errors to stderr, and returns the exit status.
func LogsCommand(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return exitStatus("logs", logs(ctx, args, stdout, stderr), stderr)
}

func logs(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("axiom-mcp logs", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, logsUsage, "\nFlags:\n")
		fs.PrintDefaults()
	}
	var sf stateFlags
	sf.register(fs)
	follow := fs.Bool("follow", false, "keep printing until the instance ends")

	if err := parseInterleavedFlags(fs, args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err}
	}
	if fs.NArg() != 1 {
		return usagef("give one instance id, such as i-0123456789, as listed by status, or a task id or name as listed by history")
	}

	st, err := sf.openExisting(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	attempt, err := findAttempt(ctx, st, fs.Arg(0), stderr)
	if err != nil {
		return err
	}
	p := logPrinter{st: st, out: stdout, id: attempt.InstanceID}
	if attempt.OutputPath != "" {
		return p.printFile(ctx, attempt.OutputPath, *follow)
	}
	// An attempt without a transcript file, such as one that could not
	// start, has only its final screen and its events.
	return p.printEvents(ctx, attempt, *follow)
}

// findAttempt returns the attempt of instance ref, or else the newest
// attempt of the task whose id or name is ref. It names on stderr the
// task's other attempts and other tasks of that name.
func findAttempt(ctx context.Context, st *store.Store, ref string, stderr io.Writer) (store.Attempt, error) {
	attempt, err := st.Attempt(ctx, ref)
	if !errors.Is(err, store.ErrNotFound) {
		return attempt, err
	}
	task, err := findTask(ctx, st, ref, stderr)
	if err != nil {
		return store.Attempt{}, err
	}
	attempts, err := st.AttemptsOfTask(ctx, task.ID)
	if err != nil {
		return store.Attempt{}, err
	}
	if len(attempts) == 0 {
		reason := task.LastError
		if reason == "" {
			reason = "no attempt has started yet"
		}
		return store.Attempt{}, fmt.Errorf("task %s has no attempt recorded, so it has no output: it is %s (%s)",
			task.ID, task.State, reason)
	}
	newest := attempts[len(attempts)-1]
	if len(attempts) > 1 {
		others := make([]string, 0, len(attempts)-1)
		for _, a := range attempts[:len(attempts)-1] {
			others = append(others, a.InstanceID)
		}
		fmt.Fprintf(stderr, "task %s: showing its newest attempt, instance %s; earlier attempts: %s\n",
			task.ID, newest.InstanceID, strings.Join(others, ", "))
	}
	return newest, nil
}

// findTask returns the task whose id is ref, or else the newest task named
// ref, after naming older tasks of that name on stderr.
func findTask(ctx context.Context, st *store.Store, ref string, stderr io.Writer) (store.Task, error) {
	task, err := st.Task(ctx, ref)
	if !errors.Is(err, store.ErrNotFound) {
		return task, err
	}
	named, err := st.TasksNamed(ctx, ref)
	if err != nil {
		return store.Task{}, err
	}
	if len(named) == 0 {
		return store.Task{}, fmt.Errorf("no instance, task or task name %s is recorded in %s: check it with "+
			"status or history", executor.QuoteRef(ref), st.Path())
	}
	if len(named) > 1 {
		older := make([]string, 0, len(named)-1)
		for _, t := range named[1:] {
			older = append(older, t.ID)
		}
		fmt.Fprintf(stderr, "name %s: showing the newest task of that name, %s; older ones: %s\n",
			executor.QuoteRef(ref), named[0].ID, strings.Join(older, ", "))
	}
	return named[0], nil
}

// parseInterleavedFlags parses flags before and after the one positional
// argument, so "logs ID --follow" works like "logs --follow ID".
func parseInterleavedFlags(fs *flag.FlagSet, args []string) error {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
	return fs.Parse(positional)
}

// logPrinter prints one instance's records.
type logPrinter struct {
	st  *store.Store
	out io.Writer
	id  string
}

// printEvents prints the instance's events and then how it ended. With
// follow it polls for new events until the instance ends or ctx is done.
func (p logPrinter) printEvents(ctx context.Context, attempt store.Attempt, follow bool) error {
	fmt.Fprintf(p.out, "instance %s: task %s, attempt %d, pid %d, workspace %s\n", attempt.InstanceID,
		attempt.TaskID, attempt.Attempt, attempt.PID, attempt.Workspace)
	var cursor int64
	for {
		next, err := p.printNewEvents(ctx, cursor)
		if err != nil {
			return err
		}
		cursor = next
		done, err := p.attemptOver(ctx)
		if err != nil {
			return err
		}
		if done || !follow {
			return p.printEndOf(ctx, true)
		}
		if !sleepContext(ctx, logsPollInterval) {
			return nil
		}
	}
}

// printNewEvents prints the instance's events after cursor and returns
// the new cursor.
func (p logPrinter) printNewEvents(ctx context.Context, cursor int64) (int64, error) {
	for {
		stored, err := p.st.InstanceEvents(ctx, p.id, cursor, logsPageSize)
		if err != nil {
			return cursor, err
		}
		events, err := executor.DecodeEvents(stored)
		if err != nil {
			fmt.Fprintf(p.out, "(an event could not be read: %v)\n", err)
		}
		for _, ev := range events {
			fmt.Fprintf(p.out, "%s  %-8s %-17s %s\n", ev.Time.Local().Format("15:04:05.000"), ev.Level, ev.Kind,
				ev.Message)
		}
		if len(stored) > 0 {
			cursor = stored[len(stored)-1].Seq
		}
		if len(stored) < logsPageSize {
			return cursor, nil
		}
	}
}

// printEnd prints how an attempt ended and its final screen.
// printEndOf prints how the attempt ended, as the store has it now. The
// final screen is left out when the transcript was printed before.
func (p logPrinter) printEndOf(ctx context.Context, withScreen bool) error {
	current, err := p.st.Attempt(ctx, p.id)
	if err != nil {
		return err
	}
	p.printEnd(ctx, current, withScreen)
	return nil
}

func (p logPrinter) printEnd(ctx context.Context, a store.Attempt, withScreen bool) {
	if a.EndedAt.IsZero() {
		if run, err := p.st.Run(ctx, a.RunID); err == nil && run.EndedAt.IsZero() && !processAlive(run.PID) {
			fmt.Fprintf(p.out, "state %s: the server that ran it (pid %d) is gone without recording the end; "+
				"start the server on this state directory to recover the task\n", a.State, run.PID)
			return
		}
		fmt.Fprintf(p.out, "state %s: still running\n", a.State)
		return
	}
	end := fmt.Sprintf("ended %s as %s", formatTime(a.EndedAt), a.State)
	if a.ExitCode != nil {
		end += fmt.Sprintf(", exit code %d", *a.ExitCode)
	}
	if a.KillReason != "" {
		end += ": " + a.KillReason
	}
	fmt.Fprintln(p.out, end)
	if withScreen && a.FinalScreen != "" {
		fmt.Fprintf(p.out, "screen when it ended:\n%s\n", a.FinalScreen)
	}
}

// printFile prints an attempt's transcript file. The file rotates at its
// cap: path.1 holds the older part, so it is printed first. With follow it
// keeps printing what is added, reopening the file after a rotation, until
// the attempt ends or the server that ran it is gone.
func (p logPrinter) printFile(ctx context.Context, path string, follow bool) error {
	if err := copyWhole(p.out, path+".1"); err != nil {
		return fmt.Errorf("read the output of instance %s: %w", p.id, err)
	}
	tail := &rotatingFile{path: path}
	defer tail.close()
	for {
		if err := tail.copyNew(p.out); err != nil {
			return fmt.Errorf("read the output of instance %s: %w", p.id, err)
		}
		if !follow {
			return p.printEndOf(ctx, false)
		}
		done, err := p.attemptOver(ctx)
		if err != nil {
			return err
		}
		if done {
			if err := tail.copyNew(p.out); err != nil {
				return fmt.Errorf("read the output of instance %s: %w", p.id, err)
			}
			return p.printEndOf(ctx, false)
		}
		if !sleepContext(ctx, logsPollInterval) {
			return nil
		}
	}
}

// attemptOver reports whether the attempt ended, or whether the server
// that ran it is gone, so no more output can come.
func (p logPrinter) attemptOver(ctx context.Context) (bool, error) {
	current, err := p.st.Attempt(ctx, p.id)
	if err != nil {
		return false, err
	}
	if !current.EndedAt.IsZero() {
		return true, nil
	}
	run, err := p.st.Run(ctx, current.RunID)
	if err != nil {
		return false, err
	}
	return !run.EndedAt.IsZero() || !processAlive(run.PID), nil
}

// processAlive reports whether a process with pid exists.
func processAlive(pid int) bool {
	return pid > 0 && unix.Kill(pid, 0) != unix.ESRCH
}

// copyWhole copies the file at path to w; a missing file copies nothing.
func copyWhole(w io.Writer, path string) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}

// rotatingFile reads a file that a writer may rename away and replace.
type rotatingFile struct {
	path string
	f    *os.File
}

// copyNew copies what was added to the file since the last call. When the
// file at path was replaced, it finishes the old one and starts the new
// one from its beginning. A missing file copies nothing.
func (r *rotatingFile) copyNew(w io.Writer) error {
	if r.f == nil {
		f, err := os.Open(r.path)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		r.f = f
	}
	if _, err := io.Copy(w, r.f); err != nil {
		return err
	}
	if r.replaced() {
		r.close()
		return r.copyNew(w)
	}
	return nil
}

// replaced reports whether the path now names another file than the one
// open.
func (r *rotatingFile) replaced() bool {
	open, err := r.f.Stat()
	if err != nil {
		return false
	}
	current, err := os.Stat(r.path)
	return err == nil && !os.SameFile(open, current)
}

func (r *rotatingFile) close() {
	if r.f != nil {
		_ = r.f.Close()
		r.f = nil
	}
}

// sleepContext waits for d and reports false when ctx ended first.
func sleepContext(ctx context.Context, d time.Duration) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-timer.C:
		return true
	}
}
