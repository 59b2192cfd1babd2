package bench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
	"github.com/axiom-mcp/axiom-mcp/pkg/tools"
)

// cpuScript is the scripted model's turn for each task: files Write calls,
// each reply after a tool result held for pace, so that a turn lasts about
// files times pace.
type cpuScript struct {
	pace  time.Duration
	files int
}

// turn returns the expected length of one scripted turn, without the start
// of Claude Code and the typing of the prompt.
func (s cpuScript) turn() time.Duration {
	return time.Duration(s.files) * s.pace
}

// prompt returns the prompt of task number n (from 1). The mock model writes
// file-1.txt to file-N.txt, one per step, and paces every reply that follows
// a tool result, the final text included.
func (s cpuScript) prompt(n int) string {
	return fmt.Sprintf("Write part %d of the notes [[pace seconds=%g]] [[write files=%d]]",
		n, s.pace.Seconds(), s.files)
}

// cpuRun is the outcome of running the tasks.
type cpuRun struct {
	// Wall is the time from the spawn call to the wait call that saw every
	// task final.
	Wall time.Duration
	// Tasks are the final tasks.
	Tasks []executor.TaskInfo
}

// runCPUTasks spawns count tasks at once and waits until every one is final
// or the deadline passes.
func runCPUTasks(ctx context.Context, env *Env, s *cpuServer, script cpuScript, count int,
	deadline time.Duration) (cpuRun, error) {
	specs := make([]tools.SpawnTask, count)
	for i := range specs {
		specs[i] = tools.SpawnTask{Name: fmt.Sprintf("cpu-%d", i+1), Prompt: script.prompt(i + 1)}
	}
	start := time.Now()
	var spawned tools.SpawnOutput
	if err := s.call(ctx, "spawn", tools.SpawnInput{Tasks: specs}, &spawned); err != nil {
		return cpuRun{}, err
	}
	env.Progressf("spawned %d tasks, each a scripted turn of about %s", count, script.turn())

	waitCtx, cancel := context.WithTimeout(ctx, deadline)
	defer cancel()
	for {
		var out tools.WaitOutput
		callCtx, cancelCall := context.WithTimeout(waitCtx, 40*time.Second)
		err := s.call(callCtx, "wait", tools.WaitInput{TimeoutSeconds: 20}, &out)
		cancelCall()
		if err != nil {
			return cpuRun{}, fmt.Errorf("wait for the tasks (deadline %s): %w", deadline, err)
		}
		if out.Done {
			return cpuRun{Wall: time.Since(start), Tasks: out.Finished}, nil
		}
		env.Progressf("%d of %d tasks final after %s", len(out.Finished), count,
			time.Since(start).Round(time.Second))
	}
}

// checkCPUTasks returns an error unless want tasks ran and each succeeded
// and wrote the last file of its script. A run with failed agents measures
// nothing.
func checkCPUTasks(tasks []executor.TaskInfo, want int, script cpuScript) error {
	if len(tasks) != want {
		return fmt.Errorf("%d tasks finished, expected %d", len(tasks), want)
	}
	var problems []string
	for _, task := range tasks {
		if task.State != "succeeded" {
			problems = append(problems, fmt.Sprintf("task %s (%s) is %s after %d attempts: %s",
				task.ID, task.Name, task.State, task.Attempts, task.LastError))
			continue
		}
		last := filepath.Join(task.Workspace, fmt.Sprintf("file-%d.txt", script.files))
		if _, err := os.Stat(last); err != nil {
			problems = append(problems, fmt.Sprintf("task %s (%s) succeeded without writing %s: %v",
				task.ID, task.Name, last, err))
		}
	}
	if len(problems) > 0 {
		return errors.New("the agents did not complete their scripted turns, so the run measures nothing: " +
			strings.Join(problems, "; "))
	}
	return nil
}

// attemptCount returns how many instances the tasks used.
func attemptCount(tasks []executor.TaskInfo) int {
	total := 0
	for _, task := range tasks {
		total += len(task.Instances)
	}
	return total
}

// succeededCount returns how many tasks succeeded.
func succeededCount(tasks []executor.TaskInfo) int {
	count := 0
	for _, task := range tasks {
		if task.State == "succeeded" {
			count++
		}
	}
	return count
}
