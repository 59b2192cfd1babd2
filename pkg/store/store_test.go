package store

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func openTest(t *testing.T, dir string) *Store {
	t.Helper()
	s, err := Open(context.Background(), dir, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func startTestRun(t *testing.T, s *Store) Run {
	t.Helper()
	run, err := s.StartRun(context.Background(), Run{StartedAt: time.Now(), PID: os.Getpid(), Version: "test"})
	require.NoError(t, err)
	return run
}

func testTask(id string, run int64) Task {
	now := time.Now()
	return Task{ID: id, RunID: run, FirstRunID: run, Spec: json.RawMessage(`{"prompt":"p"}`), Workspace: "/w/" + id,
		State: "queued", MaxAttempts: 3, CreatedAt: now, UpdatedAt: now}
}

func TestOpenCreatesSchema(t *testing.T) {
	s := openTest(t, t.TempDir())
	version, err := s.Version(context.Background())
	require.NoError(t, err)
	assert.Equal(t, SchemaVersion(), version)
}

func TestOpenTwiceKeepsVersion(t *testing.T) {
	dir := t.TempDir()
	first := openTest(t, dir)
	require.NoError(t, first.Close())
	second := openTest(t, dir)
	version, err := second.Version(context.Background())
	require.NoError(t, err)
	assert.Equal(t, SchemaVersion(), version)
}

func TestOpenRejectsNewerSchema(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir)
	_, err := s.db.Exec(`UPDATE schema_version SET version = ?`, SchemaVersion()+1)
	require.NoError(t, err)
	require.NoError(t, s.Close())

	_, err = Open(context.Background(), dir, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "newer than version")
}

func TestOpenSetsJournalAndSync(t *testing.T) {
	s := openTest(t, t.TempDir())
	var mode string
	require.NoError(t, s.db.QueryRow(`PRAGMA journal_mode`).Scan(&mode))
	assert.Equal(t, "wal", mode)
	var durable, normal int
	require.NoError(t, s.durable.QueryRow(`PRAGMA synchronous`).Scan(&durable))
	assert.Equal(t, 2, durable, "acknowledged writes need synchronous=FULL, which is 2")
	require.NoError(t, s.db.QueryRow(`PRAGMA synchronous`).Scan(&normal))
	assert.Equal(t, 1, normal, "other writes use synchronous=NORMAL, which is 1")
}

func TestOpenRejectsUnwritableDir(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, nil, 0o600))
	_, err := Open(context.Background(), filepath.Join(file, "state"), nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "--state-dir")
}

func TestTaskRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, t.TempDir())
	run := startTestRun(t, s)
	task := testTask("t-1", run.ID)
	task.DependsOn = []string{"t-0"}
	require.NoError(t, s.AddTasks(ctx, []Task{task}))

	finished := time.Now()
	require.NoError(t, s.UpdateTask(ctx, "t-1", TaskUpdate{State: "failed", Attempts: 2, UpdatedAt: finished,
		FinishedAt: finished, LastError: "boom", Handoff: json.RawMessage(`{"attempt":2}`)}))
	got, err := s.Task(ctx, "t-1")
	require.NoError(t, err)
	assert.Equal(t, "failed", got.State)
	assert.Equal(t, 2, got.Attempts)
	assert.Equal(t, "boom", got.LastError)
	assert.Equal(t, []string{"t-0"}, got.DependsOn)
	assert.JSONEq(t, `{"attempt":2}`, string(got.Handoff))
	assert.Equal(t, finished.UnixNano(), got.FinishedAt.UnixNano())
}

func TestAddTasksIsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, t.TempDir())
	run := startTestRun(t, s)
	require.NoError(t, s.AddTasks(ctx, []Task{testTask("t-1", run.ID)}))

	err := s.AddTasks(ctx, []Task{testTask("t-2", run.ID), testTask("t-1", run.ID)})
	require.Error(t, err)
	_, err = s.Task(ctx, "t-2")
	assert.ErrorIs(t, err, ErrNotFound)
}

func TestUpdateUnknownTask(t *testing.T) {
	s := openTest(t, t.TempDir())
	err := s.UpdateTask(context.Background(), "t-missing", TaskUpdate{State: "queued", UpdatedAt: time.Now()})
	assert.ErrorIs(t, err, ErrNotFound)
}

func TestMoveTasksSkipsFinalOnes(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, t.TempDir())
	old := startTestRun(t, s)
	done := testTask("t-done", old.ID)
	done.State = "succeeded"
	require.NoError(t, s.AddTasks(ctx, []Task{testTask("t-a", old.ID), done, testTask("t-b", old.ID)}))
	current := startTestRun(t, s)

	moved, err := s.MoveTasks(ctx, old.ID, current.ID, []string{"succeeded", "failed"})
	require.NoError(t, err)
	require.Len(t, moved, 2)
	assert.Equal(t, "t-a", moved[0].ID)
	assert.Equal(t, "t-b", moved[1].ID)
	got, err := s.Task(ctx, "t-done")
	require.NoError(t, err)
	assert.Equal(t, old.ID, got.RunID)
}

func TestClaimRunOnce(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, t.TempDir())
	old := startTestRun(t, s)
	a, b := startTestRun(t, s), startTestRun(t, s)

	first, err := s.ClaimRun(ctx, old.ID, a.ID)
	require.NoError(t, err)
	second, err := s.ClaimRun(ctx, old.ID, b.ID)
	require.NoError(t, err)
	assert.True(t, first)
	assert.False(t, second)
}

func TestUnfinishedRunsLeavesEndedAndCurrent(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, t.TempDir())
	crashed := startTestRun(t, s)
	ended := startTestRun(t, s)
	require.NoError(t, s.EndRun(ctx, ended.ID, time.Now()))
	current := startTestRun(t, s)

	runs, err := s.UnfinishedRuns(ctx, current.ID)
	require.NoError(t, err)
	require.Len(t, runs, 1)
	assert.Equal(t, crashed.ID, runs[0].ID)
}

func TestAttemptLifecycle(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, t.TempDir())
	run := startTestRun(t, s)
	require.NoError(t, s.AddTasks(ctx, []Task{testTask("t-1", run.ID)}))
	require.NoError(t, s.AddAttempt(ctx, Attempt{InstanceID: "i-1", TaskID: "t-1", RunID: run.ID, Attempt: 1,
		Workspace: "/w", State: "starting", StartedAt: time.Now()}))
	require.NoError(t, s.SetAttemptProcess(ctx, "i-1", 4242, 99, 4242, 4242))
	require.NoError(t, s.SetAttemptState(ctx, "i-1", "working"))

	open, err := s.OpenAttempts(ctx, run.ID)
	require.NoError(t, err)
	require.Len(t, open, 1)
	assert.Equal(t, 4242, open[0].PID)
	assert.Equal(t, uint64(99), open[0].PIDStart)
	assert.Equal(t, "working", open[0].State)

	code := 137
	require.NoError(t, s.EndAttempt(ctx, "i-1", AttemptEnd{State: "killed", EndedAt: time.Now(),
		KillReason: "idle", ExitCode: &code, FinalScreen: "bye"}))
	open, err = s.OpenAttempts(ctx, run.ID)
	require.NoError(t, err)
	assert.Empty(t, open)
	got, err := s.Attempt(ctx, "i-1")
	require.NoError(t, err)
	require.NotNil(t, got.ExitCode)
	assert.Equal(t, 137, *got.ExitCode)
	assert.Equal(t, "bye", got.FinalScreen)
}

func TestAttemptNeedsItsTask(t *testing.T) {
	s := openTest(t, t.TempDir())
	run := startTestRun(t, s)
	err := s.AddAttempt(context.Background(), Attempt{InstanceID: "i-1", TaskID: "t-missing", RunID: run.ID,
		Attempt: 1, Workspace: "/w", State: "starting", StartedAt: time.Now()})
	assert.Error(t, err)
}

func TestEventsPageInOrder(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, t.TempDir())
	run := startTestRun(t, s)
	for k := int64(1); k <= 5; k++ {
		seq, err := s.AppendEvent(ctx, Event{RunID: run.ID, Time: time.Now(), Kind: "k",
			Level: "info", InstanceID: fmt.Sprintf("i-%d", k%2), Data: json.RawMessage(`{}`)})
		require.NoError(t, err)
		require.Equal(t, k, seq)
	}
	page, err := s.EventsAfter(ctx, 2, 2)
	require.NoError(t, err)
	require.Len(t, page, 2)
	assert.Equal(t, int64(3), page[0].Seq)
	assert.Equal(t, int64(4), page[1].Seq)

	odd, err := s.InstanceEvents(ctx, "i-1", 0, 10)
	require.NoError(t, err)
	assert.Len(t, odd, 3)

	oldest, latest, err := s.EventBounds(ctx)
	require.NoError(t, err)
	assert.Equal(t, int64(1), oldest)
	assert.Equal(t, int64(5), latest)
}

func TestEventSeqSharedByStores(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	first := openTest(t, dir)
	second := openTest(t, dir)
	run := startTestRun(t, first)
	ev := Event{RunID: run.ID, Time: time.Now(), Kind: "k", Level: "info", Data: json.RawMessage(`{}`)}
	a, err := first.AppendEvent(ctx, ev)
	require.NoError(t, err)
	b, err := second.AppendEvent(ctx, ev)
	require.NoError(t, err)
	c, err := first.AppendEvent(ctx, ev)
	require.NoError(t, err)
	assert.Equal(t, []int64{1, 2, 3}, []int64{a, b, c})
}

func TestScoresBatch(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, t.TempDir())
	now := time.Now()
	require.NoError(t, s.AddScores(ctx, []Score{
		{InstanceID: "i-1", Time: now, Score: 10, Verdict: "ok"},
		{InstanceID: "i-1", Time: now.Add(time.Second), Score: 20, Verdict: "ok"},
		{InstanceID: "i-2", Time: now, Score: 30, Verdict: "warn"},
	}))
	scores, err := s.Scores(ctx, "i-1")
	require.NoError(t, err)
	require.Len(t, scores, 2)
	assert.Equal(t, 20, scores[1].Score)
}

// TestConcurrentWriters writes from several stores on one file at once,
// as two server processes would, and checks that no write is lost.
func TestConcurrentWriters(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	setup := openTest(t, dir)
	run := startTestRun(t, setup)
	const writers, perWriter = 4, 25
	var wg sync.WaitGroup
	errs := make(chan error, writers*perWriter)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := Open(ctx, dir, nil)
			if err != nil {
				errs <- err
				return
			}
			defer s.Close()
			for k := range perWriter {
				task := testTask(fmt.Sprintf("t-%d-%d", w, k), run.ID)
				if err := s.AddTasks(ctx, []Task{task}); err != nil {
					errs <- err
				}
				if err := s.UpdateTask(ctx, task.ID, TaskUpdate{State: "running", Attempts: 1,
					UpdatedAt: time.Now()}); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
	tasks, err := setup.TasksOfRun(ctx, run.ID)
	require.NoError(t, err)
	assert.Len(t, tasks, writers*perWriter)
	for _, task := range tasks {
		assert.Equal(t, "running", task.State, task.ID)
	}
}

func TestReopenWithoutClose(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	first, err := Open(ctx, dir, nil)
	require.NoError(t, err)
	run := startTestRun(t, first)
	require.NoError(t, first.AddTasks(ctx, []Task{testTask("t-1", run.ID)}))
	// first is never closed, as after a crash, so its connections still
	// hold the WAL open.

	second := openTest(t, dir)
	got, err := second.Task(ctx, "t-1")
	require.NoError(t, err)
	assert.Equal(t, "queued", got.State)
}

// crashWriterEnv makes the test binary act as a writer that a test kills.
const crashWriterEnv = "AXIOM_STORE_CRASH_WRITER"

// TestCrashWriter is not a test on its own: TestReopenAfterKill runs the
// test binary with crashWriterEnv set, and this function then writes tasks
// until the process is killed.
func TestCrashWriter(t *testing.T) {
	dir := os.Getenv(crashWriterEnv)
	if dir == "" {
		t.Skip("runs only as the child of TestReopenAfterKill")
	}
	ctx := context.Background()
	s, err := Open(ctx, dir, nil)
	require.NoError(t, err)
	run, err := s.StartRun(ctx, Run{StartedAt: time.Now(), PID: os.Getpid(), Version: "crash"})
	require.NoError(t, err)
	for k := 0; ; k++ {
		id := fmt.Sprintf("t-%d", k)
		require.NoError(t, s.AddTasks(ctx, []Task{testTask(id, run.ID)}))
		// The line is printed only after the commit returned, so every
		// printed id must survive the kill.
		fmt.Println(id)
	}
}

func TestReopenAfterKill(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashWriter$", "-test.v=false")
	cmd.Env = append(os.Environ(), crashWriterEnv+"="+dir)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())

	acknowledged := readAcknowledged(t, stdout, 20)
	require.NoError(t, cmd.Process.Kill())
	_ = cmd.Wait()

	s := openTest(t, dir)
	for _, id := range acknowledged {
		_, err := s.Task(ctx, id)
		assert.NoError(t, err, "acknowledged task %s is missing after the kill", id)
	}
	runs, err := s.UnfinishedRuns(ctx, 0)
	require.NoError(t, err)
	assert.Len(t, runs, 1)
}

// readAcknowledged reads task ids the crash writer printed until it has n.
func readAcknowledged(t *testing.T, r io.Reader, n int) []string {
	t.Helper()
	var ids []string
	lines := bufio.NewScanner(r)
	for len(ids) < n && lines.Scan() {
		if rest, ok := strings.CutPrefix(lines.Text(), "t-"); ok {
			if _, err := strconv.Atoi(rest); err == nil {
				ids = append(ids, lines.Text())
			}
		}
	}
	require.Len(t, ids, n, "crash writer stopped early: %v", lines.Err())
	return ids
}

func TestMigrateFromFirstVersion(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	// A database as the first schema version left it, with one task.
	db, err := sql.Open("sqlite", dsn(filepath.Join(dir, FileName), "FULL"))
	require.NoError(t, err)
	_, err = db.Exec(`CREATE TABLE schema_version (version INTEGER NOT NULL)`)
	require.NoError(t, err)
	_, err = db.Exec(migrations[0])
	require.NoError(t, err)
	_, err = db.Exec(`INSERT INTO schema_version (version) VALUES (1);
		INSERT INTO runs (id, started_at, pid, pid_start, version) VALUES (1, 0, 1, 1, 'old');
		INSERT INTO tasks (id, run_id, first_run_id, spec, workspace, state, max_attempts, created_at, updated_at)
		VALUES ('t-1', 1, 1, '{}', '/w', 'queued', 3, 0, 0)`)
	require.NoError(t, err)
	require.NoError(t, db.Close())

	s := openTest(t, dir)
	version, err := s.Version(ctx)
	require.NoError(t, err)
	assert.Equal(t, SchemaVersion(), version)
	got, err := s.Task(ctx, "t-1")
	require.NoError(t, err)
	assert.Empty(t, got.Worktree)
}

func TestTaskKeepsWorktree(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, t.TempDir())
	run := startTestRun(t, s)
	task := testTask("t-1", run.ID)
	task.Worktree = json.RawMessage(`{"path":"/w","branch":"axiom/t-1"}`)
	require.NoError(t, s.AddTasks(ctx, []Task{task}))
	got, err := s.Task(ctx, "t-1")
	require.NoError(t, err)
	assert.JSONEq(t, `{"path":"/w","branch":"axiom/t-1"}`, string(got.Worktree))
}
