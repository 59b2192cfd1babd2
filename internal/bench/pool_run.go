package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// batchRunTimeout bounds one run of the batch, axiom-mcp's or the
// baseline's, which takes about 20 s on an idle machine.
const batchRunTimeout = 5 * time.Minute

// batch is the set of short tasks both runs execute.
type batch struct {
	// command is the shell command of every task, run by sh -c in both.
	command string
	tasks   int
	slots   int
}

// axiomRun is one timed run of the batch under axiom-mcp.
type axiomRun struct {
	took time.Duration
	// firstStart and lastStart are the times from starting the command to
	// the start of its first and of its last agent.
	firstStart, lastStart time.Duration
}

// runAxiom runs the batch with the axiom-mcp run command, whose command
// profile runs "sh -c" with each task's prompt as the script. It times the
// command from its start to its exit, and checks that every task ran once.
func runAxiom(ctx context.Context, env *Env, b batch, run int) (axiomRun, error) {
	dir := filepath.Join(env.Dir, fmt.Sprintf("axiom-%d", run))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return axiomRun{}, fmt.Errorf("make a directory for axiom-mcp run %d: %w", run, err)
	}
	taskFile := filepath.Join(dir, "tasks.json")
	if err := writeTaskFile(taskFile, b); err != nil {
		return axiomRun{}, err
	}
	transcripts := filepath.Join(dir, "transcripts")
	args := []string{"run", "--agent", "sh -c", "--max-instances", strconv.Itoa(b.slots),
		"--workspace-root", filepath.Join(dir, "workspaces"), "--transcript-dir", transcripts,
		"--max-attempts", "1", taskFile}
	start, took, err := timeCommand(ctx, dir, env.Server, args, nil, "")
	if err != nil {
		return axiomRun{}, err
	}

	starts, err := readAgentStarts(transcripts)
	if err != nil {
		return axiomRun{}, err
	}
	if starts.count != b.tasks {
		return axiomRun{}, fmt.Errorf("axiom-mcp started %d agents for %d tasks: see %s", starts.count, b.tasks,
			filepath.Join(dir, "output.log"))
	}
	return axiomRun{took: took, firstStart: starts.first.Sub(start), lastStart: starts.last.Sub(start)}, nil
}

// writeTaskFile writes the batch as a task file of the run command.
func writeTaskFile(path string, b batch) error {
	type spec struct {
		Prompt string `json:"prompt"`
	}
	file := struct {
		Tasks []spec `json:"tasks"`
	}{}
	for range b.tasks {
		file.Tasks = append(file.Tasks, spec{Prompt: b.command})
	}
	data, err := json.Marshal(file)
	if err != nil {
		return fmt.Errorf("encode the task file: %w", err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("write the task file: %w", err)
	}
	return nil
}

// runXargs runs the batch with xargs, b.slots at a time, each command in a
// pseudo-terminal of its own from script(1), which runs it with $SHELL -c.
// It returns the wall time from starting xargs to its exit.
func runXargs(ctx context.Context, env *Env, b batch, run int) (time.Duration, error) {
	dir := filepath.Join(env.Dir, fmt.Sprintf("xargs-%d", run))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, fmt.Errorf("make a directory for xargs run %d: %w", run, err)
	}
	input := strings.Repeat(b.command+"\n", b.tasks)
	args := []string{"-d", `\n`, "-P", strconv.Itoa(b.slots), "-I", "{}", "script", "-qec", "{}", "/dev/null"}
	_, took, err := timeCommand(ctx, dir, "xargs", args, []string{"SHELL=/bin/sh"}, input)
	return took, err
}

// timeCommand runs program in dir with extra environment and stdin, in a
// process group of its own, and returns when it started and its wall time.
// Output goes to output.log in dir, whose end the error quotes when the
// command fails. When ctx ends, the whole group is killed.
func timeCommand(ctx context.Context, dir, program string, args, extraEnv []string,
	stdin string) (time.Time, time.Duration, error) {
	runCtx, cancel := context.WithTimeout(ctx, batchRunTimeout)
	defer cancel()
	logPath := filepath.Join(dir, "output.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return time.Time{}, 0, fmt.Errorf("create %s: %w", logPath, err)
	}
	defer logFile.Close()

	cmd := exec.CommandContext(runCtx, program, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), extraEnv...)
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 10 * time.Second
	start := time.Now()
	err = cmd.Run()
	took := time.Since(start)
	if err != nil {
		return time.Time{}, 0, fmt.Errorf("%s %s: %w; the output ends with: %s", program, strings.Join(args, " "),
			err, logTail(logPath))
	}
	return start, took, nil
}

// logTail returns the last lines of the file at path, for an error message.
func logTail(path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return "(no output: " + err.Error() + ")"
	}
	lines := bytes.Split(bytes.TrimSpace(data), []byte("\n"))
	return string(bytes.Join(lines[max(0, len(lines)-5):], []byte(" | ")))
}
