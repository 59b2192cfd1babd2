package executor

import (
	"time"

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
	}
	i.prevLines, i.prevFiles, i.files = lines, files, files
	i.tracker.Observe(sample)
	i.result = i.tracker.Evaluate(now)
	switch {
	case i.state == StateWorking && i.result.IdleFor >= i.cfg.Thresholds.IdleTimeout/2:
		i.state = StateIdle
	case i.state == StateIdle && i.result.IdleFor < i.cfg.Thresholds.IdleTimeout/2:
		i.state = StateWorking
	}
	return i.result, true
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
