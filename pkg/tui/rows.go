package tui

import (
	"fmt"
	"strings"

	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
)

// maxHistory bounds the score samples kept per instance: at two samples a
// second, the last two minutes.
const maxHistory = 240

// History keeps the scores of each instance over time. It is not safe for
// concurrent use.
type History struct {
	scores map[string][]int
}

// NewHistory returns an empty History.
func NewHistory() *History {
	return &History{scores: make(map[string][]int)}
}

// Record appends the current score of every running instance in st.
// Ended instances keep the scores they had.
func (h *History) Record(st executor.Status) {
	for _, inst := range st.Instances {
		if inst.EndedAt != nil && len(h.scores[inst.ID]) > 0 {
			continue
		}
		scores := append(h.scores[inst.ID], inst.Score)
		if len(scores) > maxHistory {
			scores = scores[len(scores)-maxHistory:]
		}
		h.scores[inst.ID] = scores
	}
}

// Scores returns the recorded scores of an instance, oldest first.
func (h *History) Scores(instanceID string) []int {
	return h.scores[instanceID]
}

// Rows turns a status into table rows: one per instance in start order,
// then one per task that has no instance yet.
func Rows(st executor.Status, h *History) []Row {
	names := make(map[string]string, len(st.Tasks))
	started := make(map[string]bool, len(st.Tasks))
	for _, t := range st.Tasks {
		names[t.ID] = t.ID
		if t.Name != "" {
			names[t.ID] = t.Name
		}
	}
	rows := make([]Row, 0, len(st.Instances)+len(st.Tasks))
	for _, inst := range st.Instances {
		started[inst.TaskID] = true
		name, ok := names[inst.TaskID]
		if !ok {
			name = inst.TaskID
		}
		rows = append(rows, Row{
			Instance: inst.ID, Task: name, State: inst.State, Score: inst.Score,
			History: h.Scores(inst.ID), Files: len(inst.FilesCreated), LastLine: lastLine(inst),
		})
	}
	for _, t := range st.Tasks {
		if !started[t.ID] {
			rows = append(rows, Row{Instance: "-", Task: names[t.ID], State: t.State, LastLine: t.LastError})
		}
	}
	return rows
}

// lastLine returns the last non-empty screen row of an instance, or its
// kill reason once it has ended with one.
func lastLine(inst executor.InstanceInfo) string {
	if inst.KillReason != "" {
		return "killed: " + inst.KillReason
	}
	for i := len(inst.ScreenTail) - 1; i >= 0; i-- {
		if line := strings.TrimSpace(inst.ScreenTail[i]); line != "" {
			return line
		}
	}
	return ""
}

// Summary returns the one-line pool summary shown above the table.
func Summary(p executor.PoolInfo) string {
	line := fmt.Sprintf("pool: %d running, %d queued, %d succeeded, %d failed, %d cancelled, %d blocked",
		p.Running, p.Queued, p.Succeeded, p.Failed, p.Cancelled, p.Blocked)
	if p.StartsPaused != "" {
		line += "; starts paused " + p.StartsPaused
	}
	return line
}
