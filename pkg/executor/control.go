package executor

import (
	"context"
	"fmt"
	"sort"
	"time"

	"go.uber.org/zap"

	"github.com/axiom-mcp/axiom-mcp/pkg/termkeys"
)

// InputTimeout bounds how long Intervene waits for an agent to take input.
const InputTimeout = 5 * time.Second

// KillResult reports a kill requested by a client.
type KillResult struct {
	InstanceID string `json:"instance_id"`
	TaskID     string `json:"task_id"`
	Forced     bool   `json:"forced"`
	State      string `json:"state"`
	ExitCode   *int   `json:"exit_code,omitempty"`
	TaskState  string `json:"task_state"`
	// Cancelled lists the tasks cancelled with the instance's task, when
	// the kill cancels dependents.
	Cancelled []CancelledTask `json:"cancelled,omitempty"`
}

// Kill ends a running instance with reason. Its task is queued again unless
// requeue is false, in which case it is cancelled. Kill returns when the
// instance has ended.
func (p *Pool) Kill(instanceID, reason string, requeue bool) (KillResult, error) {
	p.mu.Lock()
	inst, ok := p.instances[instanceID]
	if !ok {
		p.mu.Unlock()
		return KillResult{}, fmt.Errorf("%w: %s: call status to list instance ids", ErrInstanceNotFound, QuoteRef(instanceID))
	}
	if _, live := p.running[instanceID]; !live {
		p.mu.Unlock()
		return KillResult{}, fmt.Errorf("%w: %q", ErrInstanceEnded, instanceID)
	}
	if !requeue {
		p.noRequeue[instanceID] = true
	}
	p.killing[instanceID] = true
	p.mu.Unlock()

	forced := inst.Kill(reason, p.opts.KillGrace)
	info := inst.Info(p.opts.Now(), 0)
	p.mu.Lock()
	taskState := p.tasks[inst.taskID].state.String()
	p.mu.Unlock()
	return KillResult{
		InstanceID: instanceID, TaskID: inst.taskID, Forced: forced,
		State: info.State, ExitCode: info.ExitCode, TaskState: taskState,
	}, nil
}

// Intervene types text and then the named keys into an instance's terminal.
// The text and each key go in writes of their own, a short pause apart,
// because terminal UIs such as Claude Code's read keys that arrive in one
// write as one event and act on only part of them. It counts as activity.
// It returns the bytes written; when the agent does not read its input
// within InputTimeout it returns ErrNotReading with the count written so
// far.
func (p *Pool) Intervene(ctx context.Context, instanceID, text string, keyNames []string) (int, error) {
	writes, err := interventionWrites(text, keyNames)
	if err != nil {
		return 0, err
	}
	p.mu.Lock()
	inst, ok := p.instances[instanceID]
	_, live := p.running[instanceID]
	p.mu.Unlock()
	if !ok {
		return 0, fmt.Errorf("%w: %s: call status to list instance ids", ErrInstanceNotFound, QuoteRef(instanceID))
	}
	if !live {
		return 0, fmt.Errorf("%w: %q", ErrInstanceEnded, instanceID)
	}
	inst.noteIntervention(p.opts.Now())
	total := 0
	for k, data := range writes {
		if k > 0 && !sleepCtx(ctx, keyPause) {
			return total, ctx.Err()
		}
		n, err := inst.input.write(ctx, data, InputTimeout)
		total += n
		if err != nil {
			p.log.Warn("intervene failed", zap.String("instance", instanceID), zap.Int("written", total), zap.Error(err))
			return total, err
		}
	}
	return total, nil
}

// interventionWrites returns the text and then each key as separate writes.
func interventionWrites(text string, keyNames []string) ([][]byte, error) {
	var writes [][]byte
	if text != "" {
		writes = append(writes, []byte(text))
	}
	for _, name := range keyNames {
		seq, err := termkeys.Encode([]string{name})
		if err != nil {
			return nil, err
		}
		writes = append(writes, []byte(seq))
	}
	if len(writes) == 0 {
		return nil, fmt.Errorf("nothing to send: give text, keys, or both")
	}
	return writes, nil
}

// PoolInfo summarises the pool.
type PoolInfo struct {
	MaxInstances int `json:"max_instances"`
	SlotsUsed    int `json:"slots_used"`
	// StartsPaused is the reason and the end of a pause of new starts after
	// a rate or usage limit or rejected credentials, or the reason starts
	// wait for memory. It is empty while tasks start.
	StartsPaused string `json:"starts_paused,omitempty"`
	Queued       int    `json:"queued"`
	Running      int    `json:"running"`
	Succeeded    int    `json:"succeeded"`
	Failed       int    `json:"failed"`
	Cancelled    int    `json:"cancelled"`
	Blocked      int    `json:"blocked"`
}

// Status is a snapshot of the pool, its tasks and their instances.
type Status struct {
	Pool PoolInfo `json:"pool"`
	// TasksMatched is how many tasks the filter selects before Offset and
	// Limit cut them to a page.
	TasksMatched int            `json:"tasks_matched" jsonschema:"Number of tasks the filter selects, before offset and limit."`
	Tasks        []TaskInfo     `json:"tasks"`
	Instances    []InstanceInfo `json:"instances"`
}

// Filter selects tasks and instances for Status. Empty fields select all.
type Filter struct {
	TaskID     string
	InstanceID string
	// State selects the tasks in this state, named as TaskState.String
	// names it.
	State string
	// Offset skips that many selected tasks, in submission order, and Limit
	// caps the tasks that follow; zero means no cap. Status shows the
	// instances of the tasks it returns.
	Offset, Limit int
	// TailLines is how many screen rows each instance shows. Zero means 15.
	TailLines int
	// LiveTailsOnly leaves the screen tail of ended instances empty.
	LiveTailsOnly bool
}

// Status returns the pool summary and the tasks and instances the filter
// selects, in submission and start order.
func (p *Pool) Status(f Filter) (Status, error) {
	if f.TailLines == 0 {
		f.TailLines = 15
	}
	if err := f.validate(); err != nil {
		return Status{}, err
	}
	p.mu.Lock()
	if err := p.resolveFilterLocked(&f); err != nil {
		p.mu.Unlock()
		return Status{}, err
	}
	st := Status{Pool: p.poolInfoLocked(), Tasks: []TaskInfo{}, Instances: []InstanceInfo{}}
	matched := p.selectTasksLocked(f)
	st.TasksMatched = len(matched)
	var selected []*Instance
	for _, t := range page(matched, f.Offset, f.Limit) {
		st.Tasks = append(st.Tasks, t.info())
		for _, id := range t.instances {
			if f.InstanceID == "" || f.InstanceID == id {
				selected = append(selected, p.instances[id])
			}
		}
	}
	p.mu.Unlock()
	p.addChangedFiles(st.Tasks)

	now := p.opts.Now()
	for _, inst := range selected {
		st.Instances = append(st.Instances, inst.statusInfo(now, f))
	}
	sort.SliceStable(st.Instances, func(a, b int) bool {
		return st.Instances[a].StartedAt.Before(st.Instances[b].StartedAt)
	})
	return st, nil
}

func (p *Pool) poolInfoLocked() PoolInfo {
	info := PoolInfo{MaxInstances: p.opts.MaxInstances, SlotsUsed: len(p.running)}
	switch now := p.opts.Now(); {
	case p.startsPausedLocked(now):
		info.StartsPaused = fmt.Sprintf("until %s: %s", p.startsPausedUntil.Format(time.TimeOnly), p.startsPausedReason)
	case p.machineHold.until != "":
		info.StartsPaused = "until " + p.machineHold.until + ": " + p.machineHold.reason
	}
	for _, t := range p.order {
		switch t.state {
		case TaskQueued:
			info.Queued++
		case TaskRunning:
			info.Running++
		case TaskSucceeded:
			info.Succeeded++
		case TaskFailed:
			info.Failed++
		case TaskCancelled:
			info.Cancelled++
		case TaskBlocked:
			info.Blocked++
		}
	}
	return info
}

func zapEvent(ev Event) []zap.Field {
	fields := []zap.Field{zap.String("event", ev.Kind)}
	if ev.TaskID != "" {
		fields = append(fields, zap.String("task", ev.TaskID))
	}
	if ev.InstanceID != "" {
		fields = append(fields, zap.String("instance", ev.InstanceID))
	}
	if ev.Parts != nil {
		fields = append(fields, zap.Int("score", ev.Score), zap.Any("parts", ev.Parts))
	}
	return fields
}
