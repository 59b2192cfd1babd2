package tools

import (
	"time"

	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
	"github.com/axiom-mcp/axiom-mcp/pkg/scoring"
)

// EventsMissed is the kind of the warning a session gets when events were
// evicted from the event log before they could be sent to it. It is not
// stored in the log, so its seq is 0.
const EventsMissed = "events_missed"

// EventData is one pool event as sent in the data of a logging
// notification and as listed by status.
type EventData struct {
	Seq        int64          `json:"seq" jsonschema:"Position in the event log, from 1. Pass the last one seen as events_after to read on."`
	Time       time.Time      `json:"time"`
	Kind       string         `json:"kind" jsonschema:"task_queued, task_requeued, task_finished, instance_started, instance_state, instance_score, instance_warning, instance_exited, instance_killed or recovered."`
	Level      string         `json:"level" jsonschema:"MCP logging level: debug, info, warning or error."`
	TaskID     string         `json:"task_id,omitempty"`
	InstanceID string         `json:"instance_id,omitempty"`
	State      string         `json:"state,omitempty" jsonschema:"The instance's state after the event."`
	TaskState  string         `json:"task_state,omitempty" jsonschema:"The task's final state, for task_finished."`
	Score      *int           `json:"score,omitempty" jsonschema:"Productivity score 0-100, for events that carry one."`
	Parts      []scoring.Part `json:"parts,omitempty" jsonschema:"The parts that add up to the score."`
	Verdict    string         `json:"verdict,omitempty"`
	Reason     string         `json:"reason,omitempty" jsonschema:"The kill reason, why a task did not succeed, or the reason behind the verdict."`
	Message    string         `json:"message"`
}

// eventData converts a pool event. Score is set only for events that carry
// a score, so a score of 0 is sent as 0 and not left out.
func eventData(ev executor.Event) EventData {
	data := EventData{
		Seq: ev.Seq, Time: ev.Time, Kind: ev.Kind, Level: ev.Level,
		TaskID: ev.TaskID, InstanceID: ev.InstanceID, State: ev.State, TaskState: ev.TaskState,
		Parts: ev.Parts, Verdict: ev.Verdict, Reason: ev.Reason, Message: ev.Message,
	}
	if ev.Kind == executor.EventScore || len(ev.Parts) > 0 {
		score := ev.Score
		data.Score = &score
	}
	return data
}
