package executor

import (
	"fmt"

	"go.uber.org/zap"

	"github.com/axiom-mcp/axiom-mcp/pkg/agent"
	"github.com/axiom-mcp/axiom-mcp/pkg/claudecode"
)

// startResumed prepares an instance that continues an earlier session.
// Claude Code 2.1.197 appends a resumed session to the transcript of the
// earlier run, so the records already there are skipped. In its terminal
// UI it redraws the earlier turns, error lines included, so the screen
// names no failure of the model API until the prompt is submitted.
func (i *Instance) startResumed() {
	if i.transcriptLog != nil {
		if err := i.transcriptLog.SkipExisting(); err != nil {
			i.log.Warn("reading the resumed session's transcript failed, so its earlier records may count again",
				zap.String("session", i.cfg.ResumedFrom), zap.Error(err))
		}
	}
	i.view.historyShown = i.cfg.Launch.prof.Interactive()
}

// resumeSession returns the session that t's next instance continues, or
// "" when it starts a new one: the profile must resume sessions, and the
// session that a failure of the model API ended must have taken a prompt.
func (p *Pool) resumeSession(t *task, env []string) string {
	id := t.resumeSession
	t.resumeSession = ""
	if id == "" || !t.launch.prof.Resumes() {
		return ""
	}
	if _, ok := t.launch.tpl.Resuming(t.launch.prof.ResumeFlag); !ok {
		return ""
	}
	ok, err := claudecode.Resumable(claudecode.ConfigDir(env), id)
	if err != nil {
		p.log.Warn("checking the session to resume failed, so a new session starts",
			zap.String("task", t.id), zap.String("session", id), zap.Error(err))
		return ""
	}
	if !ok {
		p.log.Info("the session to resume took no prompt, so a new session starts",
			zap.String("task", t.id), zap.String("session", id))
		return ""
	}
	return id
}

// launchArgs returns the command and the prompt of one instance of t. An
// instance that resumes a session gets the profile's resume flag before
// the session ID and its resume prompt instead of the task's prompt.
func (p *Pool) launchArgs(t *task, sessionID, resumedFrom string) ([]string, string) {
	tpl, prompt := t.launch.tpl, t.attemptPrompt()
	if resumedFrom != "" {
		if resumed, ok := tpl.Resuming(t.launch.prof.ResumeFlag); ok {
			tpl, prompt = resumed, t.launch.prof.ResumePrompt
		}
	}
	argv := tpl.Expand(agent.Vars{
		Prompt: prompt, Workspace: t.workspace, TaskID: t.id,
		SessionID: sessionID, PermissionMode: t.launch.permissionMode,
	})
	return argv, prompt
}

// resumeNote is the part of the start event that names a resumed session.
func resumeNote(resumedFrom string) string {
	if resumedFrom == "" {
		return ""
	}
	return fmt.Sprintf(", resuming session %s", resumedFrom)
}
