package executor

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/axiom-mcp/axiom-mcp/pkg/profile"
	"github.com/axiom-mcp/axiom-mcp/pkg/scoring"
)

// tuiProfileName is the profile that runs the test agent's terminal UI.
const tuiProfileName = "tui"

// driverWait bounds each wait in the driver tests. The slowest test waits
// about 15 s for three dialog answers and then a 9 s input timeout.
const driverWait = 45 * time.Second

// tuiProfile describes the test agent's terminal UI (the tui directives)
// the way the embedded claude profile describes Claude Code: a typed
// prompt, the task done when the turn finishes, and /exit to close.
func tuiProfile(directives string) profile.Profile {
	boxRule := "────────────────────"
	return profile.Profile{
		Name:        tuiProfileName,
		Command:     fmt.Sprintf("'%s' '%s'", testAgentPath, directives),
		Prompt:      profile.PromptTyped,
		Stdin:       profile.StdinTerminal,
		Output:      profile.OutputScreen,
		Done:        profile.DoneTurn,
		SubmitDelay: profile.Duration(100 * time.Millisecond),
		Close:       []string{"text:/exit", "key:enter"},
		Dialogs: []profile.Dialog{
			{Name: "pick", All: []string{"Pick an option"}, Answer: []string{"down", "enter"}},
		},
		States: []profile.Rule{
			{Name: "busy_footer", State: profile.StateWorking, Pattern: `^\s*esc to interrupt`, Bottom: 3},
			{Name: "question", State: profile.StateWaitingInput, All: []string{"Do you want to"},
				Pattern: `^\s*Esc to cancel`, None: []string{"? for shortcuts"}, Bottom: 10,
				Question: `Do you want to .*\?`},
			{Name: "summary", State: profile.StateTurnFinished, Pattern: `^✻ \p{Lu}\p{Ll}+ for \d+s`,
				All: []string{boxRule}, Bottom: 7},
			{Name: "input_box", State: profile.StateReady, Pattern: `^❯`, Any: []string{"? for shortcuts"}, Bottom: 5},
		},
	}
}

// tuiProfiles writes the tui profile, changed by edits, to a profiles file
// and loads it, as the server loads --profiles.
func tuiProfiles(t *testing.T, directives string, edits ...func(*profile.Profile)) *profile.Set {
	t.Helper()
	prof := tuiProfile(directives)
	for _, edit := range edits {
		edit(&prof)
	}
	data, err := yaml.Marshal(map[string][]profile.Profile{"profiles": {prof}})
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "profiles.yaml")
	require.NoError(t, os.WriteFile(path, data, 0o644))
	set, err := profile.Load(path, nil)
	require.NoError(t, err)
	return set
}

// startTUIPool runs a pool whose tasks use the tui profile with directives,
// changed by edits.
func startTUIPool(t *testing.T, opts Options, directives string, edits ...func(*profile.Profile)) *Pool {
	t.Helper()
	opts.Profiles = tuiProfiles(t, directives, edits...)
	opts.Profile = tuiProfileName
	return startPool(t, opts)
}

// pollUntil calls done every 20 ms until it returns true, and fails the
// test with the message from describe after driverWait. Unlike
// require.Eventually, it builds the message from the last poll.
func pollUntil(t *testing.T, done func() bool, describe func() string) {
	t.Helper()
	deadline := time.Now().Add(driverWait)
	for !done() {
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %s", driverWait, describe())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// watchStates polls the task's first instance until the task is final and
// returns each state the instance showed, without repeats.
func watchStates(t *testing.T, pool *Pool, taskID string) []string {
	t.Helper()
	var states []string
	pollUntil(t, func() bool {
		st, err := pool.Status(Filter{TaskID: taskID})
		require.NoError(t, err)
		if len(st.Instances) > 0 {
			state := st.Instances[0].State
			if len(states) == 0 || states[len(states)-1] != state {
				states = append(states, state)
			}
		}
		return isFinal(st.Tasks[0].State)
	}, func() string { return fmt.Sprintf("task %s did not finish; instance states %v", taskID, states) })
	return states
}

func isFinal(state string) bool { return state != "queued" && state != "running" }

// waitInstanceWhere polls the task's latest instance until done accepts it.
// what describes the awaited event for the failure message.
func waitInstanceWhere(t *testing.T, pool *Pool, taskID, what string, done func(InstanceInfo) bool) InstanceInfo {
	t.Helper()
	var last InstanceInfo
	pollUntil(t, func() bool {
		insts := instancesOf(t, pool, taskID)
		if len(insts) == 0 {
			return false
		}
		last = insts[len(insts)-1]
		return done(last)
	}, func() string {
		return fmt.Sprintf("instance never %s; last state %q, verdict %q, kill reason %q, screen %q",
			what, last.State, last.Verdict, last.KillReason, last.ScreenTail)
	})
	return last
}

// inOrder reports whether want occurs in seq in this order, not
// necessarily next to each other.
func inOrder(seq []string, want ...string) bool {
	for _, s := range seq {
		if len(want) > 0 && s == want[0] {
			want = want[1:]
		}
	}
	return len(want) == 0
}

func readWorkspaceFile(t *testing.T, inst InstanceInfo, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(inst.Workspace, name))
	require.NoError(t, err)
	return string(data)
}

func TestDriverTypesPromptAndCloses(t *testing.T) {
	t.Parallel()
	pool := startTUIPool(t, Options{Thresholds: longThresholds()}, "tui:1")
	task := submitOne(t, pool, TaskSpec{Prompt: "create notes.txt"})

	states := watchStates(t, pool, task.ID)
	final := waitTask(t, pool, task.ID, driverWait)
	assert.Equal(t, "succeeded", final.State)
	assert.Equal(t, 1, final.Attempts)
	assert.True(t, inOrder(states, "ready", "working", "turn_finished", "exited"), "states %v", states)
	insts := instancesOf(t, pool, task.ID)
	require.Len(t, insts, 1)
	assert.Equal(t, "exited", insts[0].State)
	require.NotNil(t, insts[0].ExitCode)
	assert.Equal(t, 0, *insts[0].ExitCode, "exited through /exit")
	assert.Equal(t, "turn finished", insts[0].Completed)
	assert.Empty(t, insts[0].DialogsAnswered)
	assert.Equal(t, "prompt: create notes.txt\nenter presses: 1\n", readWorkspaceFile(t, insts[0], "notes.txt"))
}

func TestCLI03BypassWarningHandled(t *testing.T) {
	t.Parallel()
	pool := startTUIPool(t, Options{Thresholds: longThresholds()}, "tui-dialog:pick tui:0.5")
	task := submitOne(t, pool, TaskSpec{Prompt: "go"})

	final := waitTask(t, pool, task.ID, driverWait)
	assert.Equal(t, "succeeded", final.State)
	insts := instancesOf(t, pool, task.ID)
	require.Len(t, insts, 1)
	assert.Equal(t, []string{"pick"}, insts[0].DialogsAnswered)
	require.NotNil(t, insts[0].ExitCode)
	assert.Equal(t, 0, *insts[0].ExitCode, "down then enter chose Yes; enter alone would choose No and exit 1")
	assert.Equal(t, "prompt: go\nenter presses: 1\n", readWorkspaceFile(t, insts[0], "tui.txt"))
}

func TestDriverUnanswerableDialogWaitsForInput(t *testing.T) {
	t.Parallel()
	noAnswer := func(p *profile.Profile) {
		p.Dialogs[0].Answer = nil
		p.Dialogs[0].Help = "choose 2. Yes by hand"
	}
	// An idle timeout shorter than the input timeout shows that the dialog
	// is not judged as idleness.
	pool := startTUIPool(t, Options{
		MaxAttempts:  1,
		InputTimeout: 2 * time.Second,
		Thresholds:   scoring.Thresholds{IdleTimeout: time.Second, UnproductiveFor: time.Hour},
	}, "tui-dialog:stuck tui", noAnswer)
	task := submitOne(t, pool, TaskSpec{Prompt: "go"})

	stuck := waitInstanceWhere(t, pool, task.ID, "waited in the dialog state", func(inst InstanceInfo) bool {
		// The verdict follows the state at the next pool tick.
		return inst.State == "dialog" && inst.Verdict == scoring.NeedsInput.String()
	})
	assert.Equal(t, "pick", stuck.Dialog)

	final := waitTask(t, pool, task.ID, driverWait)
	assert.Equal(t, "failed", final.State)
	insts := instancesOf(t, pool, task.ID)
	require.Len(t, insts, 1)
	assert.Equal(t, "killed", insts[0].State)
	assert.Contains(t, insts[0].KillReason, scoring.KillNoAnswer.String())
	assert.Contains(t, insts[0].KillReason, "the pick dialog")
	assert.NotContains(t, insts[0].KillReason, scoring.KillIdle.String())
	assert.Empty(t, insts[0].DialogsAnswered)
}

// checkIgnoredDialog runs the stuck dialog, which ignores the profile's
// answer, and checks that the driver answers it maxAnswers times, then
// reports it and leaves it to the input timeout.
func checkIgnoredDialog(t *testing.T, idle, input time.Duration) {
	t.Helper()
	pool := startTUIPool(t, Options{
		MaxAttempts:  1,
		InputTimeout: input,
		Thresholds:   scoring.Thresholds{IdleTimeout: idle, UnproductiveFor: time.Hour},
	}, "tui-dialog:stuck tui")
	task := submitOne(t, pool, TaskSpec{Prompt: "go"})

	stuck := waitInstanceWhere(t, pool, task.ID, "reached the dialog state", func(inst InstanceInfo) bool {
		return inst.State == "dialog" || inst.EndedAt != nil
	})
	assert.Equal(t, "dialog", stuck.State, "kill reason %q", stuck.KillReason)
	assert.Equal(t, "pick", stuck.Dialog)

	final := waitTask(t, pool, task.ID, driverWait)
	assert.Equal(t, "failed", final.State)
	insts := instancesOf(t, pool, task.ID)
	require.Len(t, insts, 1)
	assert.Equal(t, "killed", insts[0].State)
	assert.Contains(t, insts[0].KillReason, scoring.KillNoAnswer.String())
	assert.Contains(t, insts[0].KillReason, "the pick dialog")
	assert.NotContains(t, insts[0].KillReason, scoring.KillIdle.String())
	assert.Len(t, insts[0].DialogsAnswered, maxAnswers, "answered until the driver gave up")
}

func TestDriverGivesUpOnIgnoredDialog(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("takes about 25 s: three answers with three tries of a lost down key each, then the input timeout")
	}
	// The driver sends a "down" that leaves the screen unchanged three
	// times, 1 s apart, and each key it sends counts as activity.
	checkIgnoredDialog(t, 8*time.Second, 9*time.Second)
}

func TestDriverIgnoredDialogNotIdle(t *testing.T) {
	t.Parallel()
	// Each key the driver sends counts as activity, so an idle timeout
	// shorter than the retries of a lost key does not end the instance.
	checkIgnoredDialog(t, 3*time.Second, 4*time.Second)
}

// askAndAnswer runs a turn that asks to create answer.txt, checks that the
// instance waits for the answer through three idle timeouts of 1 s, and
// answers the question with Enter through Intervene.
func askAndAnswer(t *testing.T) (*Pool, TaskInfo) {
	t.Helper()
	pool := startTUIPool(t, Options{
		MaxAttempts:  1,
		InputTimeout: time.Minute,
		Thresholds:   scoring.Thresholds{IdleTimeout: time.Second, UnproductiveFor: time.Hour},
	}, "tui-ask tui:0.3")
	task := submitOne(t, pool, TaskSpec{Prompt: "create answer.txt"})

	asking := waitInstanceWhere(t, pool, task.ID, "asked a question", func(inst InstanceInfo) bool {
		return inst.State == "waiting_input"
	})
	assert.Equal(t, "Do you want to create answer.txt?", asking.Question)
	time.Sleep(3 * time.Second)
	still := instancesOf(t, pool, task.ID)
	require.Len(t, still, 1)
	require.Nil(t, still[0].EndedAt, "killed while waiting: %s", still[0].KillReason)
	assert.Equal(t, "waiting_input", still[0].State)
	assert.Equal(t, scoring.NeedsInput.String(), still[0].Verdict)

	n, err := pool.Intervene(context.Background(), asking.ID, "", []string{"enter"})
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	return pool, task
}

func TestDriverQuestionWaitsForIntervene(t *testing.T) {
	t.Parallel()
	pool, task := askAndAnswer(t)

	path := filepath.Join(instancesOf(t, pool, task.ID)[0].Workspace, "answer.txt")
	// The agent creates the file before it writes to it, so wait for the
	// whole content.
	var data []byte
	pollUntil(t, func() bool {
		data, _ = os.ReadFile(path)
		return strings.HasSuffix(string(data), "\n")
	}, func() string { return "the answered agent did not write " + path })
	assert.Equal(t, "prompt: create answer.txt\nenter presses: 1\n", string(data))
}

func TestDriverQuestionAnsweredTaskSucceeds(t *testing.T) {
	t.Parallel()
	// The intervention grace ends before the 1 s idle timeout, so an agent
	// whose turn ends right after the answer completes its task.
	pool, task := askAndAnswer(t)

	final := waitTask(t, pool, task.ID, driverWait)
	assert.Equal(t, "succeeded", final.State, "last error: %s", final.LastError)
}

func TestCLI05PasteThenSeparateEnter(t *testing.T) {
	t.Parallel()
	pool := startTUIPool(t, Options{Thresholds: longThresholds()}, "tui-swallow-enter tui:0.5")
	task := submitOne(t, pool, TaskSpec{Prompt: "go"})

	final := waitTask(t, pool, task.ID, driverWait)
	assert.Equal(t, "succeeded", final.State)
	insts := instancesOf(t, pool, task.ID)
	require.Len(t, insts, 1)
	assert.Equal(t, "prompt: go\nenter presses: 2\n", readWorkspaceFile(t, insts[0], "tui.txt"))
}

// TestCLI05LongPasteSubmittedByOneEnter pastes a 200-line prompt into an
// input box that folds an Enter arriving within 100 ms of a paste into the
// paste. The driver's Enter comes as a separate write after the paste has
// shown, so the first Enter submits.
func TestCLI05LongPasteSubmittedByOneEnter(t *testing.T) {
	t.Parallel()
	pool := startTUIPool(t, Options{Thresholds: longThresholds()}, "tui-fold-enter tui:0.5")
	lines := make([]string, 200)
	for i := range lines {
		lines[i] = fmt.Sprintf("step %d of the task", i+1)
	}
	task := submitOne(t, pool, TaskSpec{Prompt: strings.Join(lines, "\n")})

	final := waitTask(t, pool, task.ID, driverWait)
	assert.Equal(t, "succeeded", final.State)
	insts := instancesOf(t, pool, task.ID)
	require.Len(t, insts, 1)
	want := "prompt: " + strings.Join(lines, " ") + "\nenter presses: 1\n"
	assert.Equal(t, want, readWorkspaceFile(t, insts[0], "tui.txt"))
}

func TestDriverNoSecondEnterWhileAgentComputes(t *testing.T) {
	t.Parallel()
	// The agent computes for 5 s after the Enter without drawing, then asks
	// before it writes. A second Enter would wait in its input and answer
	// the question with "Yes".
	pool := startTUIPool(t, Options{Thresholds: longThresholds()}, "tui-slow-submit:5 tui-ask tui:0.3")
	task := submitOne(t, pool, TaskSpec{Prompt: "create asked.txt"})

	pollUntil(t, func() bool {
		insts := instancesOf(t, pool, task.ID)
		return len(insts) == 1 && insts[0].State == "waiting_input"
	}, func() string { return "the agent never asked its question" })
	time.Sleep(time.Second)

	insts := instancesOf(t, pool, task.ID)
	assert.Equal(t, "waiting_input", insts[0].State, "the question stays unanswered")
	_, err := os.Stat(filepath.Join(insts[0].Workspace, "asked.txt"))
	assert.ErrorIs(t, err, os.ErrNotExist, "no Enter approved the question")
}

func TestDriverSIGTERMWhenExitIgnored(t *testing.T) {
	t.Parallel()
	pool := startTUIPool(t, Options{Thresholds: longThresholds()}, "tui-ignore-exit tui:0.5")
	task := submitOne(t, pool, TaskSpec{Prompt: "go"})

	final := waitTask(t, pool, task.ID, driverWait)
	assert.Equal(t, "succeeded", final.State)
	insts := instancesOf(t, pool, task.ID)
	require.Len(t, insts, 1)
	assert.Equal(t, "exited", insts[0].State)
	assert.Empty(t, insts[0].KillReason)
	require.NotNil(t, insts[0].ExitCode)
	assert.Equal(t, 128+int(syscall.SIGTERM), *insts[0].ExitCode, "ended by SIGTERM")
	assert.True(t, slices.Contains(insts[0].ScreenTail, "/exit is disabled in this session"),
		"close keys typed; screen %q", insts[0].ScreenTail)
}

func TestDriverNoticesTurnBetweenLooks(t *testing.T) {
	t.Parallel()
	// The driver looks every 100 ms, and a turn of this agent starts and
	// ends between two looks: the new summary line shows that it ran.
	pool := startTUIPool(t, Options{
		MaxAttempts: 1,
		Thresholds:  scoring.Thresholds{IdleTimeout: 5 * time.Second, UnproductiveFor: time.Hour},
	}, "tui:0")
	task := submitOne(t, pool, TaskSpec{Prompt: "go"})

	final := waitTask(t, pool, task.ID, driverWait)
	assert.Equal(t, "succeeded", final.State, "last error: %s", final.LastError)
	insts := instancesOf(t, pool, task.ID)
	require.Len(t, insts, 1)
	require.NotNil(t, insts[0].ExitCode)
	assert.Equal(t, 0, *insts[0].ExitCode, "exited through /exit")
}
