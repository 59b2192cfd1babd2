package executor

import (
	"fmt"
	"time"

	"github.com/axiom-mcp/axiom-mcp/pkg/agent"
	"github.com/axiom-mcp/axiom-mcp/pkg/proctree"
	"github.com/axiom-mcp/axiom-mcp/pkg/profile"
	"github.com/axiom-mcp/axiom-mcp/pkg/scoring"
	"github.com/axiom-mcp/axiom-mcp/pkg/signals"
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
	reading := i.signals.Read(signals.Observation{
		At:       now,
		Lines:    lines,
		Files:    signals.FileCounts{Created: files.Created, Modified: files.Modified, Deleted: files.Deleted},
		Tools:    i.takeToolsLocked(),
		Upstream: i.takeUpstreamLocked(),
		State:    i.scoringStateLocked(),
		CPUTicks: table.DescendantCPU(i.pid),
		Answered: i.view.keysSent,
		Output:   i.outputSinceTickLocked(),

		IgnoreScreenErrors: i.view.historyShown,
	})
	sample := reading.Sample
	i.noteUpstreamSeenLocked(reading.ScreenUpstream, now)
	i.view.keysSent = false
	i.files = files
	i.tracker.Observe(sample)
	i.result = i.tracker.Evaluate(now)
	i.explainDialogLocked()
	i.moveIdleLocked()
	return i.result, true
}

// explainDialogLocked names the dialog in the reason of an instance held
// by one, because the tracker has only a waiting state to go on.
func (i *Instance) explainDialogLocked() {
	if i.state != StateDialog || i.view.obs.Dialog == nil {
		return
	}
	waitingFor := fmt.Sprintf("someone to answer the %s dialog", i.view.obs.Dialog.Name)
	switch i.result.Verdict {
	case scoring.KillNoAnswer:
		i.result.Reason = fmt.Sprintf("waited %s for %s (input timeout %s)",
			i.result.WaitingFor.Round(time.Second), waitingFor, i.cfg.Thresholds.InputTimeout)
	case scoring.NeedsInput:
		i.result.Reason = fmt.Sprintf("waiting %s for %s; killed after %s without one",
			i.result.WaitingFor.Round(time.Second), waitingFor, i.cfg.Thresholds.InputTimeout)
	}
}

// moveIdleLocked moves a working agent to idle once half the idle timeout
// has passed without activity, and back when activity resumes.
func (i *Instance) moveIdleLocked() {
	switch {
	case i.state == StateWorking && i.result.IdleFor >= i.cfg.Thresholds.IdleTimeout/2:
		i.state = StateIdle
	case i.state == StateIdle && i.result.IdleFor < i.cfg.Thresholds.IdleTimeout/2:
		i.state = StateWorking
	}
}

// scoringStateLocked returns the agent's state for the scoring tracker. A
// dialog counts as waiting once the driver has given up on it. While the
// driver still answers it, each key it sends counts as activity instead.
func (i *Instance) scoringStateLocked() scoring.AgentState {
	switch {
	case i.view.completed != "":
		return scoring.StateTurnFinished
	case i.state == StateDialog:
		return scoring.StateDialog
	case i.state == StateWaitingInput:
		return scoring.StateWaitingInput
	case i.state == StateReady:
		return scoring.StateReady
	case i.state == StateWorking || i.state == StateIdle:
		return scoring.StateWorking
	case i.state == StateStarting:
		return scoring.StateStarting
	}
	return scoring.StateUnknown
}

// takeToolsLocked returns the tool calls counted since the last tick.
func (i *Instance) takeToolsLocked() map[scoring.ToolKind]int {
	tools := i.view.newTools
	i.view.newTools = make(map[scoring.ToolKind]int)
	return tools
}

// noteInput records typed input as activity.
func (i *Instance) noteInput(now time.Time) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.tracker.Observe(scoring.Sample{At: now, Input: true})
}

// InstanceInfo is a snapshot of one instance for status output.
type InstanceInfo struct {
	ID      string `json:"id"`
	TaskID  string `json:"task_id"`
	Attempt int    `json:"attempt"`
	State   string `json:"state"`
	PID     int    `json:"pid"`
	// PIDStart is the agent's start time in clock ticks since boot, as in
	// /proc/PID/stat. With PID it names the process even after the pid is
	// reused, for example when a restarted server looks for agents left
	// behind.
	PIDStart             uint64            `json:"pid_start,omitempty"`
	Workspace            string            `json:"workspace"`
	StartedAt            time.Time         `json:"started_at"`
	EndedAt              *time.Time        `json:"ended_at,omitempty"`
	Score                int               `json:"score"`
	ScoreParts           []scoring.Part    `json:"score_parts"`
	Verdict              string            `json:"verdict"`
	VerdictReason        string            `json:"verdict_reason"`
	VerdictSignal        string            `json:"verdict_signal,omitempty"`
	Upstream             *scoring.Upstream `json:"upstream,omitempty"`
	FilesCreated         []string          `json:"files_created"`
	FilesModified        int               `json:"files_modified"`
	SecondsSinceActivity float64           `json:"seconds_since_activity"`
	ScreenTail           []string          `json:"screen_tail"`
	Title                string            `json:"title,omitempty"`
	OutputBytes          int64             `json:"output_bytes"`
	ExitCode             *int              `json:"exit_code,omitempty"`
	KillReason           string            `json:"kill_reason,omitempty"`
	Forced               bool              `json:"forced,omitempty"`
	LeftoversEnded       []int             `json:"leftovers_ended,omitempty"`
	Profile              string            `json:"profile"`
	SessionID            string            `json:"session_id,omitempty"`
	ScreenState          string            `json:"screen_state,omitempty"`
	Question             string            `json:"question,omitempty"`
	// Choices are the answers the question offers, as the screen lists them.
	Choices         []profile.Choice `json:"choices,omitempty"`
	Dialog          string           `json:"dialog,omitempty"`
	DialogsAnswered []string         `json:"dialogs_answered,omitempty"`
	Tools           map[string]int   `json:"tools,omitempty"`
	TranscriptPath  string           `json:"transcript_path,omitempty"`
	// TranscriptFile and TextFile are the files of the agent's raw terminal
	// output and of its plain text. Each is rotated to a ".1" file at the
	// pool's TranscriptMax.
	TranscriptFile string `json:"transcript_file,omitempty"`
	TextFile       string `json:"text_file,omitempty"`
	// TranscriptDropped counts the bytes of raw output left out of those
	// files because the disk was slower than the agent, a write failed, or
	// a flood kept only its newest output.
	TranscriptDropped int64        `json:"transcript_dropped_bytes,omitempty"`
	Completed         string       `json:"completed,omitempty"`
	AgentError        string       `json:"agent_error,omitempty"`
	AgentResult       *AgentResult `json:"agent_result,omitempty"`
	APIRetries        int          `json:"api_retries,omitempty"`
	// ResumedFrom is the session that the instance continues, the one an
	// earlier attempt ended in on a failure of the model API. It equals
	// SessionID, because Claude Code keeps the ID of a resumed session.
	ResumedFrom string `json:"resumed_from,omitempty"`
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
		Verdict: i.result.Verdict.String(), VerdictReason: i.result.Reason, VerdictSignal: i.result.Signal,
		Upstream:     i.result.Upstream,
		FilesCreated: append([]string{}, i.files.Files...), FilesModified: i.files.Modified,
		ScreenTail: tail, Title: title, OutputBytes: i.transcript.Total(),
		KillReason: i.killReason, Forced: i.forced,
		LeftoversEnded: append([]int(nil), i.leftovers...),
		PIDStart:       i.pidStart,
	}
	info.TranscriptFile, info.TextFile = i.transcriptFiles()
	info.TranscriptDropped = i.diskDropped()
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
	info.ResumedFrom = i.cfg.ResumedFrom
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
		info.Choices = append([]profile.Choice(nil), i.view.obs.Choices...)
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
