// Package dashboard serves a web page that shows every instance of a pool
// live: its rendered screen, state, score with a plot of the score over
// time, kill reason and the event log. Buttons on the page kill an
// instance or type text into it. The page, its script and its style are
// embedded in the binary, and updates reach it as server-sent events.
package dashboard

import (
	"context"

	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
)

// Pool is the part of *executor.Pool the dashboard uses.
type Pool interface {
	Status(f executor.Filter) (executor.Status, error)
	Screen(instanceID string) (executor.ScreenView, error)
	Events(cursor int64, limit int) ([]executor.Event, int64)
	Kill(instanceID, reason string, requeue bool) (executor.KillResult, error)
	Intervene(ctx context.Context, instanceID, text string, keyNames []string) (int, error)
}

// Limits of one snapshot.
const (
	// maxPanels bounds the instances whose screens a snapshot carries:
	// every running instance first, then the most recently started ended
	// ones.
	maxPanels = 24
	// maxScores bounds the score samples kept per instance, two minutes at
	// the default sample interval.
	maxScores = 240
	// maxEvents is how many of the latest events a snapshot carries.
	maxEvents = 100
)

// Snapshot is the state of the pool that the page shows at one moment.
type Snapshot struct {
	Pool   executor.PoolInfo `json:"pool"`
	Panels []Panel           `json:"panels"`
	Events []executor.Event  `json:"events"`
	Tasks  []TaskLine        `json:"tasks"`
}

// Panel is one instance on the page.
type Panel struct {
	InstanceID string   `json:"instance_id"`
	TaskID     string   `json:"task_id"`
	Task       string   `json:"task"`
	State      string   `json:"state"`
	Running    bool     `json:"running"`
	Score      int      `json:"score"`
	Verdict    string   `json:"verdict"`
	KillReason string   `json:"kill_reason,omitempty"`
	Files      int      `json:"files"`
	Scores     []int    `json:"scores"`
	Screen     []string `json:"screen"`
}

// TaskLine is one task in the task list under the panels.
type TaskLine struct {
	ID        string `json:"id"`
	Name      string `json:"name,omitempty"`
	State     string `json:"state"`
	Attempts  int    `json:"attempts"`
	LastError string `json:"last_error,omitempty"`
}

// panels builds the panels of st, running instances first.
func panels(pool Pool, st executor.Status, scores map[string][]int) []Panel {
	names := make(map[string]string, len(st.Tasks))
	for _, t := range st.Tasks {
		names[t.ID] = t.Name
	}
	var running, ended []Panel
	for _, inst := range st.Instances {
		p := Panel{
			InstanceID: inst.ID, TaskID: inst.TaskID, Task: names[inst.TaskID], State: inst.State,
			Running: inst.EndedAt == nil, Score: inst.Score, Verdict: inst.Verdict, KillReason: inst.KillReason,
			Files: len(inst.FilesCreated), Scores: scores[inst.ID], Screen: []string{},
		}
		if p.Running {
			running = append(running, p)
		} else {
			ended = append(ended, p)
		}
	}
	// Status lists instances in start order, so the newest ended ones are
	// at the end.
	room := max(maxPanels-len(running), 0)
	if len(ended) > room {
		ended = ended[len(ended)-room:]
	}
	all := append(running, ended...)
	if len(all) > maxPanels {
		all = all[:maxPanels]
	}
	for i := range all {
		if view, err := pool.Screen(all[i].InstanceID); err == nil {
			all[i].Screen = view.Lines
		}
	}
	return all
}

func taskLines(st executor.Status) []TaskLine {
	lines := make([]TaskLine, 0, len(st.Tasks))
	for _, t := range st.Tasks {
		lines = append(lines, TaskLine{ID: t.ID, Name: t.Name, State: t.State, Attempts: t.Attempts, LastError: t.LastError})
	}
	return lines
}
