package executor

import (
	"fmt"
	"time"

	"github.com/axiom-mcp/axiom-mcp/pkg/agent"
	"github.com/axiom-mcp/axiom-mcp/pkg/proctree"
	"github.com/axiom-mcp/axiom-mcp/pkg/scoring"
	"github.com/axiom-mcp/axiom-mcp/pkg/screen"
)

// tick measures the instance, feeds the scoring tracker and returns the
// judgement. table is one process-table snapshot shared by all instances of
// a tick. The instance remembers its processes, so it can end them later even
// if they leave its session.
func (i *Instance) tick(now time.Time, table proctree.Table) (scoring.Result, bool) {
	lines := i.screen.Lines()
	files := i.watcher.Snapshot()
	if !i.cfg.Launch.prof.Interactive() {
		i.pollTranscript()
	}
	i.takeStream()

	i.mu.Lock()
	defer i.mu.Unlock()
	if i.state.Ended() || i.reaped {
		return i.result, false
	}
	for _, proc := range table.Members(i.pid) {
		i.tracked[proc.Key()] = true
	}
	sample := scoring.Sample{
		At:            now,
		ChangedLines:  screen.MeaningfulChanges(i.prevLines, lines),
		FilesCreated:  max(0, files.Created-i.prevFiles.Created),
		FilesModified: max(0, files.Modified-i.prevFiles.Modified),
		ToolUses:      i.view.newTools,
	}
	i.view.newTools = 0
	i.prevLines, i.prevFiles, i.files = lines, files, files
	i.tracker.Observe(sample)
	i.result = i.tracker.Evaluate(now)
	i.judgeStateLocked(now)
	return i.result, true
}

// judgeStateLocked adjusts the scoring verdict to the agent's state: an
// agent that waits for an answer is not idle, only overdue after the input
// timeout, and one that finished its task is being closed, not judged. It
// also moves a working agent to idle and back.
func (i *Instance) judgeStateLocked(now time.Time) {
	switch {
	case i.view.completed != "":
		i.result.Verdict = scoring.Done
		i.result.Reason = "the agent finished its task (" + i.view.completed + "); closing it"
	case i.state.Waiting():
		i.judgeWaitingLocked(now)
	case i.state == StateWorking && i.result.IdleFor >= i.cfg.Thresholds.IdleTimeout/2:
		i.state = StateIdle
	case i.state == StateIdle && i.result.IdleFor < i.cfg.Thresholds.IdleTimeout/2:
		i.state = StateWorking
	}
}

func (i *Instance) judgeWaitingLocked(now time.Time) {
	waited := now.Sub(i.view.waitingSince)
	what := "an answer to: " + questionText(i.view.obs)
	if i.state == StateDialog && i.view.obs.Dialog != nil {
		what = "someone to answer the " + i.view.obs.Dialog.Name + " dialog"
	}
	if waited >= i.cfg.InputTimeout {
		i.result.Verdict = scoring.KillNoAnswer
		i.result.Reason = fmt.Sprintf("waited %s for %s (input timeout %s)",
			waited.Round(time.Second), what, i.cfg.InputTimeout)
		return
	}
	i.result.Verdict = scoring.NeedsInput
	i.result.Reason = fmt.Sprintf("waiting %s for %s; killed after %s without one",
		waited.Round(time.Second), what, i.cfg.InputTimeout)
}

// noteInput records typed input as activity.
func (i *Instance) noteInput(now time.Time) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.tracker.Observe(scoring.Sample{At: now, Input: true})
}

// InstanceInfo is a snapshot of one instance for status output.
type InstanceInfo struct {
	ID                   string         `json:"id"`
	TaskID               string         `json:"task_id"`
	Attempt              int            `json:"attempt"`
	State                string         `json:"state"`
	PID                  int            `json:"pid"`
	Workspace            string         `json:"workspace"`
	StartedAt            time.Time      `json:"started_at"`
	EndedAt              *time.Time     `json:"ended_at,omitempty"`
	Score                int            `json:"score"`
	ScoreParts           []scoring.Part `json:"score_parts"`
	Verdict              string         `json:"verdict"`
	VerdictReason        string         `json:"verdict_reason"`
	FilesCreated         []string       `json:"files_created"`
	FilesModified        int            `json:"files_modified"`
	SecondsSinceActivity float64        `json:"seconds_since_activity"`
	ScreenTail           []string       `json:"screen_tail"`
	Title                string         `json:"title,omitempty"`
	OutputBytes          int64          `json:"output_bytes"`
	ExitCode             *int           `json:"exit_code,omitempty"`
	KillReason           string         `json:"kill_reason,omitempty"`
	Forced               bool           `json:"forced,omitempty"`
	LeftoversEnded       []int          `json:"leftovers_ended,omitempty"`
	Profile              string         `json:"profile"`
	SessionID            string         `json:"session_id,omitempty"`
	ScreenState          string         `json:"screen_state,omitempty"`
	Question             string         `json:"question,omitempty"`
	Dialog               string         `json:"dialog,omitempty"`
	DialogsAnswered      []string       `json:"dialogs_answered,omitempty"`
	Tools                map[string]int `json:"tools,omitempty"`
	TranscriptPath       string         `json:"transcript_path,omitempty"`
	Completed            string         `json:"completed,omitempty"`
	AgentError           string         `json:"agent_error,omitempty"`
	AgentResult          *AgentResult   `json:"agent_result,omitempty"`
	APIRetries           int            `json:"api_retries,omitempty"`
}

// Info returns a snapshot of the instance with the last tailLines rows of
// its screen.
func (i *Instance) Info(now time.Time, tailLines int) InstanceInfo {
	tail := i.screen.Tail(tailLines)
	title := i.screen.Title()
	i.mu.Lock()
	defer i.mu.Unlock()
	info := InstanceInfo{
		ID: i.id, TaskID: i.taskID, Attempt: i.attempt, State: i.state.String(), PID: i.pid,
		Workspace: i.workspace, StartedAt: i.startedAt,
		Score: i.result.Score, ScoreParts: i.result.Parts,
		Verdict: i.result.Verdict.String(), VerdictReason: i.result.Reason,
		FilesCreated: append([]string{}, i.files.Files...), FilesModified: i.files.Modified,
		ScreenTail: tail, Title: title, OutputBytes: i.transcript.Total(),
		KillReason: i.killReason, Forced: i.forced,
		LeftoversEnded: append([]int(nil), i.leftovers...),
	}
	i.fillAgentInfoLocked(&info)
	if info.ScoreParts == nil {
		info.ScoreParts = []scoring.Part{}
	}
	if i.state.Ended() {
		ended, code := i.endedAt, i.exitCode
		info.EndedAt, info.ExitCode = &ended, &code
		info.SecondsSinceActivity = ended.Sub(i.tracker.LastActivity()).Seconds()
	} else {
		info.SecondsSinceActivity = now.Sub(i.tracker.LastActivity()).Seconds()
	}
	return info
}

// fillAgentInfoLocked adds the profile's reading of the screen and the
// transcript's facts to info.
func (i *Instance) fillAgentInfoLocked(info *InstanceInfo) {
	info.Profile = i.cfg.Launch.prof.Name
	if i.cfg.Launch.tpl.Uses(agent.SessionPlaceholder) {
		info.SessionID = i.cfg.SessionID
	}
	info.Completed = i.view.completed
	info.AgentError = i.view.agentError
	info.AgentResult = agentResult(i.view.result)
	info.APIRetries = i.view.retries
	info.DialogsAnswered = append([]string(nil), i.view.answered...)
	if i.cfg.Launch.prof.Interactive() {
		info.ScreenState = string(i.view.obs.State)
	}
	if i.state == StateWaitingInput {
		info.Question = questionText(i.view.obs)
	}
	if i.view.obs.Dialog != nil && i.state == StateDialog {
		info.Dialog = i.view.obs.Dialog.Name
	}
	if len(i.view.tools) > 0 {
		info.Tools = make(map[string]int, len(i.view.tools))
		for kind, n := range i.view.tools {
			info.Tools[string(kind)] = n
		}
	}
	if i.transcriptLog != nil {
		info.TranscriptPath = i.transcriptLog.Path()
	}
}
