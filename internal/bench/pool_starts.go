package bench

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// agentStarts summarises when a run's agents started, from the
// process.json file the pool writes in each instance's transcript
// directory, TASK_ID/INSTANCE_ID under transcripts.
type agentStarts struct {
	count       int
	first, last time.Time
}

// readAgentStarts reads the start times of every instance under
// transcripts.
func readAgentStarts(transcripts string) (agentStarts, error) {
	files, err := filepath.Glob(filepath.Join(transcripts, "*", "*", "process.json"))
	if err != nil {
		return agentStarts{}, fmt.Errorf("list process records under %s: %w", transcripts, err)
	}
	var starts agentStarts
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			return agentStarts{}, fmt.Errorf("read process record: %w", err)
		}
		var record struct {
			StartedAt time.Time `json:"started_at"`
		}
		if err := json.Unmarshal(data, &record); err != nil {
			return agentStarts{}, fmt.Errorf("parse process record %s: %w", file, err)
		}
		starts.add(record.StartedAt)
	}
	return starts, nil
}

func (s *agentStarts) add(t time.Time) {
	if s.count == 0 || t.Before(s.first) {
		s.first = t
	}
	if s.count == 0 || t.After(s.last) {
		s.last = t
	}
	s.count++
}
