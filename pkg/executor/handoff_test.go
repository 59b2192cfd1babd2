package executor

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/axiom-mcp/axiom-mcp/pkg/scoring"
)

func TestRetryGetsHandoffNote(t *testing.T) {
	pool := startPool(t, Options{MaxAttempts: 2, Thresholds: scoring.Thresholds{IdleTimeout: time.Second}})
	task := submitOne(t, pool, TaskSpec{Prompt: "silent-once"})

	final := waitTask(t, pool, task.ID, 20*time.Second)
	require.Equal(t, "succeeded", final.State)
	insts := instancesOf(t, pool, task.ID)
	require.Len(t, insts, 2)
	assert.Equal(t, insts[0].Workspace, insts[1].Workspace, "the retry continues in the same workspace")
	assert.Contains(t, final.Handoff, "this is attempt 2 of 2 at this task")
	assert.Contains(t, final.Handoff, "Attempt 1 stopped because it was killed: kill-idle")
	assert.Contains(t, final.Handoff, "It created: .testagent-attempt")

	second := strings.Join(insts[1].ScreenTail, "\n")
	assert.Contains(t, second, "note: Handoff from axiom-mcp: this is attempt 2 of 2", "the agent got the note")
	assert.Contains(t, second, "note: It created: .testagent-attempt")
	first := strings.Join(insts[0].ScreenTail, "\n")
	assert.NotContains(t, first, "note:", "the first attempt has no note")
}

func TestHandoffNoteListsAtMostTwentyPaths(t *testing.T) {
	var created []string
	for i := 1; i <= 25; i++ {
		created = append(created, fmt.Sprintf("f%d.go", i))
	}
	code := 3
	h := newHandoff(InstanceInfo{Attempt: 2, FilesCreated: created, FilesModified: 4, ExitCode: &code})
	note := h.note(3, 5)

	assert.Contains(t, note, "this is attempt 3 of 5 at this task, in the workspace of attempt 2")
	assert.Contains(t, note, "Attempt 2 stopped because the agent exited with code 3")
	assert.Contains(t, note, "f20.go and 5 more")
	assert.NotContains(t, note, "f21.go")
	assert.Contains(t, note, "It wrote to existing files 4 times.")
}

func TestHandoffNoteWithoutFiles(t *testing.T) {
	h := newHandoff(InstanceInfo{Attempt: 1, AgentError: "API Error: 500"})
	note := h.note(2, 3)
	assert.Contains(t, note, "because the agent reported an error: API Error: 500")
	assert.Contains(t, note, "It created no files.")
	assert.NotContains(t, note, "wrote to existing files")
}

func TestHandoffNoteBoundsLongPaths(t *testing.T) {
	created := []string{strings.Repeat("d/", 200) + "x.go"}
	h := newHandoff(InstanceInfo{Attempt: 1, KillReason: strings.Repeat("r", 5000), FilesCreated: created})
	assert.Less(t, len(h.note(2, 3)), 1500)
}

func TestAttemptPromptAppendsNote(t *testing.T) {
	task := &task{spec: TaskSpec{Prompt: "fix the build"}, attempts: 2, maxAttempts: 3}
	assert.Equal(t, "fix the build", task.attemptPrompt(), "no note before a failed attempt")
	task.handoff = newHandoff(InstanceInfo{Attempt: 1, KillReason: "kill-idle: no activity"})
	prompt := task.attemptPrompt()
	assert.True(t, strings.HasPrefix(prompt, "fix the build\n\nHandoff from axiom-mcp: this is attempt 2 of 3"), prompt)
}
