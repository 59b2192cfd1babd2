package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"

	"github.com/axiom-mcp/axiom-mcp/pkg/workspace"
)

const cleanupUsage = `Usage:
  axiom-mcp cleanup [--workspace-root DIR] [--config FILE] [--dry-run]

cleanup looks at each entry directly under the workspace root and removes
those whose removal loses no work:
  - a git worktree of a task, when it has no uncommitted files and every
    commit on it is on the branch it started from (or, when it started
    from a detached HEAD, it has no commits beyond its base commit); its
    branch is deleted with git branch -d
  - an empty directory
Everything else is kept, and the reason is printed: uncommitted files,
unmerged commits, a plain directory with files, a repository of its own.
Git is never asked to force a removal. Files that .gitignore matches do not
count as work and are removed with their worktree.

Exit status: 0 when the root was read or does not exist, whatever was kept;
1 when the root cannot be read; 2 on a usage error.
`

// CleanupCommand runs `axiom-mcp cleanup`: args are the words after
// "cleanup". It prints what it removed and what it kept with the reasons to
// stdout, and errors to stderr, and returns the exit status.
func CleanupCommand(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	err := cleanup(ctx, args, stdout, stderr)
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	fmt.Fprintln(stderr, "axiom-mcp cleanup:", err)
	var usage usageError
	if errors.As(err, &usage) {
		return 2
	}
	return 1
}

func cleanup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	root, dryRun, err := parseCleanupArgs(args, stderr)
	if err != nil {
		return err
	}
	report, err := workspace.Cleanup(ctx, root, workspace.CleanupOptions{DryRun: dryRun})
	if errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(stdout, "workspace root %s does not exist: nothing to clean up\n", root)
		return nil
	}
	if err != nil {
		return err
	}
	printCleanup(stdout, root, report)
	return nil
}

// parseCleanupArgs returns the absolute workspace root and the dry-run
// flag.
func parseCleanupArgs(args []string, stderr io.Writer) (string, bool, error) {
	flags := flag.NewFlagSet("axiom-mcp cleanup", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.Usage = func() {
		fmt.Fprint(stderr, cleanupUsage, "\nFlags:\n")
		flags.PrintDefaults()
	}
	root := flags.String("workspace-root", "", "directory of the task workspaces (default: the config file's "+
		"workspace_root, else "+DefaultWorkspaceRoot()+")")
	configFile := flags.String("config", "", "YAML configuration file whose workspace_root is used")
	dryRun := flags.Bool("dry-run", false, "list what would be removed and kept, and remove nothing")

	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return "", false, err
		}
		return "", false, usageError{err}
	}
	if flags.NArg() > 0 {
		return "", false, usagef("unexpected argument %q: give the root with --workspace-root", flags.Arg(0))
	}
	dir, err := resolveCleanupRoot(*root, *configFile)
	return dir, *dryRun, err
}

// resolveCleanupRoot returns the absolute workspace root: the flag's value, else
// the config file's, else the default of every command.
func resolveCleanupRoot(flagValue, configFile string) (string, error) {
	dir := flagValue
	if dir == "" && configFile != "" {
		fc, err := LoadFileConfig(configFile)
		if err != nil {
			return "", err
		}
		dir = fc.WorkspaceRoot
	}
	if dir == "" {
		dir = DefaultWorkspaceRoot()
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("resolve --workspace-root %q: %w", dir, err)
	}
	return abs, nil
}

// printCleanup writes the removed and the kept entries, one a line.
func printCleanup(w io.Writer, root string, report workspace.Report) {
	removed := "removed"
	if report.DryRun {
		removed = "would remove"
		fmt.Fprintf(w, "dry run: nothing under %s was removed\n", root)
	}
	fmt.Fprintf(w, "%s: %d\n", removed, len(report.Removed))
	for _, e := range report.Removed {
		fmt.Fprintf(w, "  %s\n", entryLine(e))
	}
	fmt.Fprintf(w, "kept: %d\n", len(report.Kept))
	for _, e := range report.Kept {
		fmt.Fprintf(w, "  %s\n", entryLine(e))
	}
}

// entryLine formats an entry as "PATH (branch B): REASON".
func entryLine(e workspace.Entry) string {
	if e.Branch != "" {
		return fmt.Sprintf("%s (branch %s): %s", e.Path, e.Branch, e.Reason)
	}
	return fmt.Sprintf("%s: %s", e.Path, e.Reason)
}
