package app

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
	"github.com/axiom-mcp/axiom-mcp/pkg/store"
)

// recordedState writes one ended run with a failed task and its attempt,
// and a run that was killed, to a database in a new directory.
func recordedState(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(ctx, dir, nil)
	require.NoError(t, err)
	defer st.Close()
	start := time.Date(2026, 3, 1, 10, 0, 0, 0, time.Local)
	run, err := st.StartRun(ctx, store.Run{StartedAt: start, PID: 100, Version: "0.1.0"})
	require.NoError(t, err)
	spec, err := json.Marshal(executor.TaskSpec{Prompt: "build it", Name: "build"})
	require.NoError(t, err)
	require.NoError(t, st.AddTasks(ctx, []store.Task{{ID: "t-1", RunID: run.ID, FirstRunID: run.ID, Name: "build",
		Spec: spec, Workspace: "/w/t-1", State: "failed", Attempts: 3, MaxAttempts: 3, CreatedAt: start,
		UpdatedAt: start, FinishedAt: start.Add(time.Minute), LastError: "attempt 3 exited with code 1"}}))
	require.NoError(t, st.AddAttempt(ctx, store.Attempt{InstanceID: "i-1", TaskID: "t-1", RunID: run.ID,
		Attempt: 3, PID: 200, Workspace: "/w/t-1", State: "working", StartedAt: start}))
	data, err := json.Marshal(executor.Event{Kind: executor.EventInstanceStarted, Level: executor.LevelInfo,
		InstanceID: "i-1", Message: "attempt 3 started", Time: start})
	require.NoError(t, err)
	_, err = st.AppendEvent(ctx, store.Event{RunID: run.ID, Time: start, Kind: "instance_started",
		Level: "info", TaskID: "t-1", InstanceID: "i-1", Data: data})
	require.NoError(t, err)
	code := 1
	require.NoError(t, st.EndAttempt(ctx, "i-1", store.AttemptEnd{State: "exited", EndedAt: start.Add(time.Minute),
		ExitCode: &code, FinalScreen: "error: build failed"}))
	require.NoError(t, st.EndRun(ctx, run.ID, start.Add(2*time.Minute)))
	_, err = st.StartRun(ctx, store.Run{StartedAt: start.Add(time.Hour), PID: 101, Version: "0.1.0"})
	require.NoError(t, err)
	return dir
}

// command is the signature of HistoryCommand and LogsCommand.
type command func(context.Context, []string, io.Writer, io.Writer) int

func runCommand(cmd command, args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := cmd(context.Background(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestHistoryListsRunsAndTasks(t *testing.T) {
	dir := recordedState(t)
	code, out, errOut := runCommand(HistoryCommand, "--state-dir", dir)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "run 2: started 2026-03-01 11:00:00")
	assert.Regexp(t, `run 2: started 2026-03-01 11:00:00, pid 101, version 0.1.0, (still running|stopped without ending \(pid 101 is gone\))`, out)
	assert.Contains(t, out, "run 1: started 2026-03-01 10:00:00, pid 100")
	assert.Contains(t, out, "ended 2026-03-01 10:02:00")
	assert.Regexp(t, `t-1\s+build\s+failed\s+3/3\s+2026-03-01 10:00:00\s+2026-03-01 10:01:00\s+attempt 3 exited`, out)
	assert.Less(t, bytes.Index([]byte(out), []byte("run 2")), bytes.Index([]byte(out), []byte("run 1")),
		"newest run first")
}

func TestHistoryNamesAttemptsAfterCrashes(t *testing.T) {
	for _, tc := range []struct {
		attempts int
		want     string
	}{
		{attempts: 2, want: "2/3"},
		{attempts: 3, want: "3/3"},
		{attempts: 4, want: "3/3+1 after a crash"},
		{attempts: 6, want: "3/3+3 after crashes"},
	} {
		got := attemptsOf(store.Task{Attempts: tc.attempts, MaxAttempts: 3})
		assert.Equal(t, tc.want, got, "%d attempts", tc.attempts)
	}
}

func TestHistoryLimitsRuns(t *testing.T) {
	dir := recordedState(t)
	code, out, errOut := runCommand(HistoryCommand, "--state-dir", dir, "--limit", "1")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "run 2")
	assert.NotContains(t, out, "run 1")
}

func TestHistoryRejectsNegativeLimit(t *testing.T) {
	code, _, errOut := runCommand(HistoryCommand, "--state-dir", t.TempDir(), "--limit", "-1")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "--limit -1 is negative")
}

func TestHistoryWithoutDatabase(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "missing")
	code, _, errOut := runCommand(HistoryCommand, "--state-dir", dir)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "no state database at "+filepath.Join(dir, store.FileName))
	assert.NoDirExists(t, dir, "history must not create a database")
}

func TestHistoryReadsConfigStateDir(t *testing.T) {
	dir := recordedState(t)
	config := filepath.Join(t.TempDir(), "axiom.yaml")
	require.NoError(t, os.WriteFile(config, []byte("state_dir: "+dir+"\n"), 0o600))
	code, out, errOut := runCommand(HistoryCommand, "--config", config)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "run 1")
}

func TestLogsPrintsEventsAndScreen(t *testing.T) {
	dir := recordedState(t)
	code, out, errOut := runCommand(LogsCommand, "i-1", "--state-dir", dir)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "instance i-1: task t-1, attempt 3, pid 200")
	assert.Contains(t, out, "attempt 3 started")
	assert.Contains(t, out, "ended 2026-03-01 10:01:00 as exited, exit code 1")
	assert.Contains(t, out, "error: build failed")
}

func TestLogsFollowEndsWithInstance(t *testing.T) {
	dir := recordedState(t)
	code, out, errOut := runCommand(LogsCommand, "--follow", "--state-dir", dir, "i-1")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "exit code 1")
}

func TestLogsPrintsOutputFile(t *testing.T) {
	dir := recordedState(t)
	output := filepath.Join(t.TempDir(), "i-1.txt")
	require.NoError(t, os.WriteFile(output, []byte("the agent's own words\n"), 0o600))
	st, err := store.Open(context.Background(), dir, nil)
	require.NoError(t, err)
	require.NoError(t, st.SetAttemptOutput(context.Background(), "i-1", output))
	require.NoError(t, st.Close())

	code, out, errOut := runCommand(LogsCommand, "--state-dir", dir, "i-1")
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, "the agent's own words\nended 2026-03-01 10:01:00 as exited, exit code 1\n", out)
}

func TestLogsPrintsRotatedPartFirst(t *testing.T) {
	dir := recordedState(t)
	output := filepath.Join(t.TempDir(), "text.log")
	require.NoError(t, os.WriteFile(output+".1", []byte("older part\n"), 0o600))
	st, err := store.Open(context.Background(), dir, nil)
	require.NoError(t, err)
	require.NoError(t, st.SetAttemptOutput(context.Background(), "i-1", output))
	require.NoError(t, st.Close())

	code, out, errOut := runCommand(LogsCommand, "--state-dir", dir, "i-1")

	require.Equal(t, 0, code, errOut, "a current file that is missing right after a rotation is no error")
	assert.Equal(t, "older part\nended 2026-03-01 10:01:00 as exited, exit code 1\n", out)
}

func TestRotatingFileFollowsReplacement(t *testing.T) {
	path := filepath.Join(t.TempDir(), "text.log")
	require.NoError(t, os.WriteFile(path, []byte("first "), 0o600))
	r := &rotatingFile{path: path}
	defer r.close()
	var out bytes.Buffer
	require.NoError(t, r.copyNew(&out))

	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString("end ")
	require.NoError(t, err)
	require.NoError(t, f.Close())
	require.NoError(t, os.Rename(path, path+".1"))
	require.NoError(t, os.WriteFile(path, []byte("second"), 0o600))
	require.NoError(t, r.copyNew(&out))

	assert.Equal(t, "first end second", out.String())
}

func TestLogsUnknownInstance(t *testing.T) {
	dir := recordedState(t)
	code, _, errOut := runCommand(LogsCommand, "--state-dir", dir, "i-missing")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, `no instance, task or task name "i-missing" is recorded`)
}

func TestLogsOfTaskShowNewestAttempt(t *testing.T) {
	dir := recordedState(t)
	st, err := store.Open(context.Background(), dir, nil)
	require.NoError(t, err)
	runs, err := st.Runs(context.Background(), 0)
	require.NoError(t, err)
	earlier := time.Date(2026, 3, 1, 9, 0, 0, 0, time.Local)
	require.NoError(t, st.AddAttempt(context.Background(), store.Attempt{InstanceID: "i-0", TaskID: "t-1",
		RunID: runs[len(runs)-1].ID, Attempt: 2, Workspace: "/w/t-1", State: "killed", StartedAt: earlier}))
	require.NoError(t, st.Close())

	code, out, errOut := runCommand(LogsCommand, "--state-dir", dir, "t-1")

	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "instance i-1: task t-1, attempt 3")
	assert.Equal(t, "task t-1: showing its newest attempt, instance i-1; earlier attempts: i-0\n", errOut)
}

func TestLogsOfTaskName(t *testing.T) {
	dir := recordedState(t)

	code, out, errOut := runCommand(LogsCommand, "--state-dir", dir, "build")

	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "instance i-1: task t-1, attempt 3")
	assert.Empty(t, errOut)
}

func TestLogsOfReusedNameShowNewestTask(t *testing.T) {
	dir := recordedState(t)
	ctx := context.Background()
	st, err := store.Open(ctx, dir, nil)
	require.NoError(t, err)
	runs, err := st.Runs(ctx, 0)
	require.NoError(t, err)
	later := time.Date(2026, 3, 1, 11, 0, 0, 0, time.Local)
	run := runs[0].ID
	require.NoError(t, st.AddTasks(ctx, []store.Task{
		{ID: "t-2", RunID: run, FirstRunID: run, Name: "build", Spec: json.RawMessage(`{}`), Workspace: "/w/t-2",
			State: "succeeded", Attempts: 1, MaxAttempts: 3, CreatedAt: later, UpdatedAt: later},
		{ID: "t-3", RunID: run, FirstRunID: run, Name: "lint", Spec: json.RawMessage(`{}`), Workspace: "/w/t-3",
			State: "blocked", MaxAttempts: 3, CreatedAt: later, UpdatedAt: later,
			LastError: "dependency build failed"},
	}))
	require.NoError(t, st.AddAttempt(ctx, store.Attempt{InstanceID: "i-2", TaskID: "t-2", RunID: run,
		Attempt: 1, Workspace: "/w/t-2", State: "exited", StartedAt: later}))
	require.NoError(t, st.Close())

	code, out, errOut := runCommand(LogsCommand, "--state-dir", dir, "build")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "instance i-2: task t-2, attempt 1")
	assert.Equal(t, `name "build": showing the newest task of that name, t-2; older ones: t-1`+"\n", errOut)

	code, _, errOut = runCommand(LogsCommand, "--state-dir", dir, "lint")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "task t-3 has no attempt recorded, so it has no output: it is blocked "+
		"(dependency build failed)")
}

func TestLogsNeedsOneID(t *testing.T) {
	code, _, errOut := runCommand(LogsCommand, "--state-dir", t.TempDir())
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "give one instance id")
}
