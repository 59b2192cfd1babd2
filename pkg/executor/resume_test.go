package executor

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"go.uber.org/zap"

	"github.com/axiom-mcp/axiom-mcp/pkg/claudecode"
	"github.com/axiom-mcp/axiom-mcp/pkg/profile"
	"github.com/axiom-mcp/axiom-mcp/pkg/scoring"
)

// resumePrompt is the resume prompt of the test profile: directives that
// the test agent runs, different from the task's prompt.
const resumePrompt = "upstream-once:529 exit:0"

// resumeProfiles loads two profiles that run the test agent with
// --session-id before the prompt, as the claude profile runs Claude Code:
// "resumable" continues a session after a failure of the model API, and
// "fresh" starts a new one, as every profile but claude does.
func resumeProfiles(t *testing.T) *profile.Set {
	t.Helper()
	command := fmt.Sprintf("'%s' --session-id {session_id} {prompt}", testAgentPath)
	data := fmt.Sprintf(`profiles:
  - name: fresh
    command: %[1]q
    prompt: argument
    stdin: terminal
    output: screen
    done: exit
    transcript: claude
  - name: resumable
    extends: fresh
    resume_flag: --resume
    resume_prompt: %[2]q
`, command, resumePrompt)
	path := filepath.Join(t.TempDir(), "profiles.yaml")
	require.NoError(t, os.WriteFile(path, []byte(data), 0o644))
	set, err := profile.Load(path, nil)
	require.NoError(t, err)
	return set
}

// argvOf returns the command line an instance was started with.
func argvOf(pool *Pool, instanceID string) []string {
	pool.mu.Lock()
	defer pool.mu.Unlock()
	return pool.instances[instanceID].cfg.Start.Argv
}

// writeSessionTranscript writes a transcript with one user message for
// the session, where Claude Code would keep it under configDir.
func writeSessionTranscript(t *testing.T, configDir, sessionID string) {
	t.Helper()
	project := filepath.Join(configDir, "projects", "-workspace")
	require.NoError(t, os.MkdirAll(project, 0o700))
	record := `{"type":"user","uuid":"u-1","message":{"role":"user","content":"upstream-once:529"}}` + "\n"
	require.NoError(t, os.WriteFile(filepath.Join(project, sessionID+".jsonl"), []byte(record), 0o600))
}

// TestCLI06RetryResumesClaudeSession ends the first attempt of three
// tasks on a 529. The retry of the task whose profile resumes, and whose
// session took a prompt, continues that session with --resume and the
// resume prompt. A profile that does not resume, and a session without a
// transcript, start a new session with the task's prompt.
func TestCLI06RetryResumesClaudeSession(t *testing.T) {
	t.Parallel()
	configDir := t.TempDir()
	pool := startPool(t, Options{MaxAttempts: 1, Profiles: resumeProfiles(t), Profile: "resumable",
		Env: []string{"CLAUDE_CONFIG_DIR=" + configDir}})
	resumed := submitOne(t, pool, TaskSpec{Prompt: "upstream-once:529"})
	fresh := submitOne(t, pool, TaskSpec{Prompt: "upstream-once:529", Profile: "fresh"})
	noTranscript := submitOne(t, pool, TaskSpec{Prompt: "upstream-once:529"})

	// The upstream backoff is at least two seconds, so the transcript is
	// in place before the retry starts.
	first := waitInstance(t, pool, resumed.ID)
	require.NotEmpty(t, first.SessionID)
	writeSessionTranscript(t, configDir, first.SessionID)

	for _, task := range []TaskInfo{resumed, fresh, noTranscript} {
		final := waitTask(t, pool, task.ID, 30*time.Second)
		assert.Equal(t, "succeeded", final.State, final.LastError)
		assert.Equal(t, 1, final.UpstreamRetries)
	}

	insts := instancesOf(t, pool, resumed.ID)
	require.Len(t, insts, 2)
	assert.Equal(t, []string{testAgentPath, "--resume", first.SessionID, resumePrompt}, argvOf(pool, insts[1].ID))
	assert.Equal(t, first.SessionID, insts[1].ResumedFrom)
	assert.Equal(t, first.SessionID, insts[1].SessionID, "a resumed session keeps its ID")
	assert.Empty(t, insts[0].ResumedFrom)

	for name, task := range map[string]TaskInfo{"fresh profile": fresh, "no transcript": noTranscript} {
		insts := instancesOf(t, pool, task.ID)
		require.Len(t, insts, 2, name)
		argv := argvOf(pool, insts[1].ID)
		assert.Equal(t, []string{testAgentPath, "--session-id", insts[1].SessionID, "upstream-once:529"}, argv, name)
		assert.NotEqual(t, insts[0].SessionID, insts[1].SessionID, name)
		assert.Empty(t, insts[1].ResumedFrom, name)
	}
}

// TestResumedHistoryErrorsNotCounted feeds a resumed instance an API error
// record that arrives before its prompt is submitted, as a loaded session
// can add, and one that arrives after. Only the later one is a failure of
// this instance.
func TestResumedHistoryErrorsNotCounted(t *testing.T) {
	configDir := t.TempDir()
	project := filepath.Join(configDir, "projects", "-workspace")
	require.NoError(t, os.MkdirAll(project, 0o700))
	path := filepath.Join(project, "s-1.jsonl")
	apiError := func(uuid string) string {
		return `{"type":"assistant","uuid":"` + uuid + `","isApiErrorMessage":true,"message":{"model":"<synthetic>",` +
			`"content":[{"type":"text","text":"API Error: Request rejected (429) · rate limit"}]}}` + "\n"
	}
	require.NoError(t, os.WriteFile(path, []byte(apiError("e-1")), 0o600))
	inst := &Instance{
		log:           zap.NewNop(),
		cfg:           instanceConfig{Now: time.Now},
		transcriptLog: claudecode.NewTranscript(configDir, "s-1"),
		view: agentView{tools: make(map[claudecode.Kind]int), newTools: make(map[scoring.ToolKind]int),
			historyShown: true},
	}

	inst.pollTranscript()
	assert.Empty(t, inst.view.apiError, "an error before the resumed prompt is the earlier run's")
	assert.Nil(t, inst.view.upstream)

	inst.view.historyShown = false
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString(apiError("e-2"))
	require.NoError(t, err)
	require.NoError(t, f.Close())
	inst.pollTranscript()
	assert.Contains(t, inst.view.apiError, "Request rejected (429)")
	assert.NotNil(t, inst.view.upstream, "an error after the prompt is this instance's")
}

func TestDriverPromptLostOnlyWithoutTranscriptRecord(t *testing.T) {
	claude, err := profile.Defaults().Lookup("claude")
	require.NoError(t, err)
	noClear := *claude
	noClear.ClearInput = nil
	newDriver := func() *driver {
		inst := &Instance{transcriptLog: claudecode.NewTranscript(t.TempDir(), "s-1"),
			view: agentView{records: 5}}
		return &driver{inst: inst, prof: claude, submitAt: time.Now().Add(-11 * time.Second), recordsAtEnter: 5}
	}
	ready := profile.Observation{State: profile.StateReady}

	assert.True(t, newDriver().promptLost(ready), "no record 11 s after the Enter, input box shown")

	for name, change := range map[string]func(d *driver) profile.Observation{
		"a record arrived":   func(d *driver) profile.Observation { d.recordsAtEnter = 4; return ready },
		"too soon":           func(d *driver) profile.Observation { d.submitAt = time.Now(); return ready },
		"turn on screen":     func(*driver) profile.Observation { return profile.Observation{State: profile.StateWorking} },
		"typed again once":   func(d *driver) profile.Observation { d.retypes = maxRetypes; return ready },
		"no clear steps":     func(d *driver) profile.Observation { d.prof = &noClear; return ready },
		"no transcript kept": func(d *driver) profile.Observation { d.inst.transcriptLog = nil; return ready },
	} {
		d := newDriver()
		obs := change(d)
		assert.False(t, d.promptLost(obs), name)
	}
}
