package executor

import (
	"fmt"
	"strings"
)

// Bounds of the handoff note, which keep it under about 5 KiB, so a prompt
// of MaxPromptBytes with the note stays under the Linux limit of 128 KiB
// per command-line argument.
const (
	handoffMaxPaths       = 20
	handoffMaxPathBytes   = 160
	handoffMaxReasonBytes = 500
)

// handoff describes how an attempt that failed or was killed ended.
type handoff struct {
	attempt  int
	reason   string
	created  []string
	modified int
	// filesUnknown is true when the attempt's files were not recorded, as
	// for an attempt that ran while the server was killed.
	filesUnknown bool
}

// handoffRecord is the stored form of a handoff.
type handoffRecord struct {
	Attempt      int      `json:"attempt"`
	Reason       string   `json:"reason"`
	Created      []string `json:"created,omitempty"`
	Modified     int      `json:"modified,omitempty"`
	FilesUnknown bool     `json:"files_unknown,omitempty"`
}

func (h *handoff) record() handoffRecord {
	return handoffRecord{Attempt: h.attempt, Reason: h.reason, Created: h.created, Modified: h.modified,
		FilesUnknown: h.filesUnknown}
}

func (r handoffRecord) handoff() *handoff {
	return &handoff{attempt: r.Attempt, reason: r.Reason, created: r.Created, modified: r.Modified,
		filesUnknown: r.FilesUnknown}
}

// newHandoff records the end of the attempt that info describes.
func newHandoff(info InstanceInfo) *handoff {
	return &handoff{
		attempt:  info.Attempt,
		reason:   stopReason(info),
		created:  append([]string(nil), info.FilesCreated...),
		modified: info.FilesModified,
	}
}

// stopReason words why an attempt ended without finishing its task, in the
// order onInstanceEnd checks the causes.
func stopReason(info InstanceInfo) string {
	switch {
	case info.KillReason != "":
		return "it was killed: " + info.KillReason
	case info.AgentError != "":
		return "the agent reported an error: " + info.AgentError
	case info.ExitCode != nil && *info.ExitCode == 0:
		return "the agent exited before its turn finished"
	case info.ExitCode != nil:
		return fmt.Sprintf("the agent exited with code %d", *info.ExitCode)
	}
	return "the agent ended for an unknown reason"
}

// note returns the text appended to the prompt of the given attempt.
func (h *handoff) note(attempt, maxAttempts int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Handoff from axiom-mcp: this is attempt %d of %d at this task, in the workspace "+
		"of attempt %d.\n", attempt, maxAttempts, h.attempt)
	fmt.Fprintf(&b, "Attempt %d stopped because %s\n", h.attempt, truncate(h.reason, handoffMaxReasonBytes))
	switch {
	case h.filesUnknown:
		b.WriteString("Its files were not recorded.\n")
	case len(h.created) == 0:
		b.WriteString("It created no files.\n")
	default:
		fmt.Fprintf(&b, "It created: %s\n", listPaths(h.created))
	}
	if h.modified > 0 {
		fmt.Fprintf(&b, "It wrote to existing files %s.\n", times(h.modified))
	}
	b.WriteString("Check what is already in the workspace and continue from there instead of starting over.")
	return b.String()
}

// listPaths joins at most handoffMaxPaths paths, then counts the rest.
func listPaths(paths []string) string {
	shown := make([]string, 0, min(len(paths), handoffMaxPaths))
	for _, p := range paths[:min(len(paths), handoffMaxPaths)] {
		shown = append(shown, truncate(p, handoffMaxPathBytes))
	}
	list := strings.Join(shown, ", ")
	if rest := len(paths) - len(shown); rest > 0 {
		list += fmt.Sprintf(" and %d more", rest)
	}
	return list
}

func times(n int) string {
	if n == 1 {
		return "once"
	}
	return fmt.Sprintf("%d times", n)
}

// attemptPrompt returns the prompt of the task's current attempt: the
// client's prompt, followed by the handoff note after an attempt failed or
// was killed.
func (t *task) attemptPrompt() string {
	if t.handoff == nil {
		return t.spec.Prompt
	}
	return t.spec.Prompt + "\n\n" + t.handoff.note(t.attempts, t.maxAttempts)
}

// handoffNote returns the note for status output: that of the running or
// last attempt, or of the next one while the task is queued.
func (t *task) handoffNote() string {
	if t.handoff == nil {
		return ""
	}
	attempt := t.attempts
	if t.state == TaskQueued {
		attempt++
	}
	return t.handoff.note(attempt, t.maxAttempts)
}
