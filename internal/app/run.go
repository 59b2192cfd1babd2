package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
)

// TaskFile is the format of a task file: YAML or JSON, either this object
// or a bare list of tasks.
type TaskFile struct {
	Tasks []executor.TaskSpec `json:"tasks" yaml:"tasks"`
}

// LoadTasks reads tasks from a YAML or JSON file.
func LoadTasks(path string) ([]executor.TaskSpec, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read task file: %w", err)
	}
	var file TaskFile
	if strings.EqualFold(filepath.Ext(path), ".json") {
		err = decodeJSONTasks(data, &file)
	} else {
		err = decodeYAMLTasks(data, &file)
	}
	if err != nil {
		return nil, fmt.Errorf("parse task file %s: %w", path, err)
	}
	if len(file.Tasks) == 0 {
		return nil, fmt.Errorf("task file %s has no tasks: list them under \"tasks:\", each with a prompt", path)
	}
	return file.Tasks, nil
}

// decodeJSONTasks decodes strictly, so a misspelt key such as "promt" is
// reported instead of ignored.
func decodeJSONTasks(data []byte, file *TaskFile) error {
	var target any = file
	if trimmed := strings.TrimSpace(string(data)); strings.HasPrefix(trimmed, "[") {
		target = &file.Tasks
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode(target)
}

func decodeYAMLTasks(data []byte, file *TaskFile) error {
	var probe any
	if err := yaml.Unmarshal(data, &probe); err != nil {
		return err
	}
	var target any = file
	if _, isList := probe.([]any); isList {
		target = &file.Tasks
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	return dec.Decode(target)
}

// RunTasks runs specs through a pool, prints progress to out while they run
// and a summary table at the end. It returns true when every task succeeded.
func RunTasks(ctx context.Context, cfg Config, specs []executor.TaskSpec, out io.Writer) (bool, error) {
	opts, err := cfg.poolOptions()
	if err != nil {
		return false, err
	}
	pool, err := executor.New(opts)
	if err != nil {
		return false, err
	}
	poolCtx, stopPool := context.WithCancel(context.Background())
	defer stopPool()
	poolDone := make(chan struct{})
	go func() { defer close(poolDone); _ = pool.Run(poolCtx) }()

	fmt.Fprintf(out, "running %s, at most %d at once, workspaces under %s\n",
		plural(len(specs), "task"), opts.MaxInstances, opts.WorkspaceRoot)
	stopProgress, live := startProgress(pool, out)
	_, err = pool.Submit(specs)
	if err != nil {
		stopPool()
		<-poolDone
		stopProgress()
		return false, err
	}

	waitForTasks(ctx, pool, out, live)
	status, _ := pool.Status(executor.Filter{TailLines: 1})
	stopPool()
	<-poolDone
	stopProgress()
	if final, err := pool.Status(executor.Filter{TailLines: 1}); err == nil {
		status = final
	}
	printSummary(out, status)
	return status.Pool.Succeeded == len(status.Tasks), nil
}

// waitForTasks returns when every task is final or ctx is done, printing a
// pool line every few seconds unless a live table shows the pool.
func waitForTasks(ctx context.Context, pool *executor.Pool, out io.Writer, live bool) {
	ticker := time.NewTicker(250 * time.Millisecond)
	defer ticker.Stop()
	lastReport := time.Now()
	for {
		select {
		case <-ctx.Done():
			if !live {
				fmt.Fprintln(out, "interrupted: ending every instance")
			}
			return
		case <-ticker.C:
		}
		st, err := pool.Status(executor.Filter{TailLines: 1})
		if err != nil {
			return
		}
		if st.Pool.Queued == 0 && st.Pool.Running == 0 {
			return
		}
		if !live && time.Since(lastReport) >= 5*time.Second {
			lastReport = time.Now()
			printPoolLine(out, st)
		}
	}
}

func printPoolLine(out io.Writer, st executor.Status) {
	var parts []string
	for _, inst := range st.Instances {
		if inst.EndedAt == nil {
			parts = append(parts, fmt.Sprintf("%s score %d (%s)", inst.ID, inst.Score, inst.Verdict))
		}
	}
	if st.Pool.StartsPaused != "" {
		parts = append(parts, "starts paused "+st.Pool.StartsPaused)
	}
	fmt.Fprintf(out, "%s  pool: %d running, %d queued, %d succeeded, %d failed  %s\n",
		time.Now().Format("15:04:05"), st.Pool.Running, st.Pool.Queued, st.Pool.Succeeded,
		st.Pool.Failed, strings.Join(parts, "; "))
}

func printEvents(out io.Writer, events <-chan executor.Event) {
	for ev := range events {
		if ev.Level == executor.LevelDebug {
			continue // score updates, which the summary and pool lines already show
		}
		subject := ev.TaskID
		if ev.InstanceID != "" {
			subject += "/" + ev.InstanceID
		}
		fmt.Fprintf(out, "%s  %-7s %-22s %s\n", ev.Time.Format("15:04:05"), ev.Level, subject, ev.Message)
	}
}

func printSummary(out io.Writer, st executor.Status) {
	files := make(map[string]int)
	for _, inst := range st.Instances {
		files[inst.TaskID] += len(inst.FilesCreated)
	}
	fmt.Fprintln(out)
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "TASK\tNAME\tSTATE\tATTEMPTS\tFILES\tWORKSPACE\tLAST ERROR")
	for _, t := range st.Tasks {
		fmt.Fprintf(w, "%s\t%s\t%s\t%d/%d\t%d\t%s\t%s\n", t.ID, t.Name, t.State, t.Attempts, t.MaxAttempts,
			files[t.ID], t.Workspace, t.LastError)
	}
	_ = w.Flush()
	fmt.Fprintf(out, "\n%d succeeded, %d failed, %d cancelled, %d blocked\n",
		st.Pool.Succeeded, st.Pool.Failed, st.Pool.Cancelled, st.Pool.Blocked)
}

// plural returns n with noun, adding an s unless n is 1: "1 task", "2 tasks".
func plural(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
