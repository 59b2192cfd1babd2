package executor

import (
	"context"
	"fmt"

	"go.uber.org/zap"

	"github.com/axiom-mcp/axiom-mcp/pkg/proctree"
	"github.com/axiom-mcp/axiom-mcp/pkg/store"
)

// EventRecovered is published for each attempt and task that a start
// took over from an earlier run that stopped without ending.
const EventRecovered = "recovered"

// RecoveryReport describes what Recover found and did.
type RecoveryReport struct {
	// Runs lists the earlier runs whose work was taken over.
	Runs []int64 `json:"runs"`
	// Instances are the attempts that were running when their server
	// stopped.
	Instances []RecoveredInstance `json:"instances"`
	// Requeued lists the tasks queued again, in submission order.
	Requeued []string `json:"requeued"`
	// Settled lists the tasks that could not run again, such as those
	// whose profile no longer exists, with the reason.
	Settled map[string]string `json:"settled,omitempty"`
}

// RecoveredInstance is an attempt that was running when its server
// stopped.
type RecoveredInstance struct {
	InstanceID string `json:"instance_id"`
	TaskID     string `json:"task_id"`
	Attempt    int    `json:"attempt"`
	PID        int    `json:"pid"`
	// Ended lists the pids of its processes that still ran and were ended.
	Ended []int `json:"ended,omitempty"`
	// Forced lists the pids among Ended that needed SIGKILL.
	Forced []int `json:"forced,omitempty"`
	// PIDReused is true when the recorded pid belonged to another process
	// by then, which was left alone.
	PIDReused bool `json:"pid_reused,omitempty"`
}

// Recover takes over the work of earlier runs recorded in the store that
// stopped without ending, such as after a kill -9 of the server. It ends
// the processes their running attempts left behind, records those
// attempts as ended, and queues their unfinished tasks again in the same
// workspaces. Finished tasks stay in the store for history. Runs whose
// server process still runs are left alone. Call it after New and before
// Run; without a store it does nothing.
func (p *Pool) Recover(ctx context.Context) (RecoveryReport, error) {
	report := RecoveryReport{Instances: []RecoveredInstance{}, Requeued: []string{}}
	if !p.journal.enabled() {
		return report, nil
	}
	st := p.opts.Store
	runs, err := st.UnfinishedRuns(ctx, p.opts.RunID)
	if err != nil {
		return report, fmt.Errorf("recover earlier runs: %w", err)
	}
	var tasks []store.Task
	interrupted := make(map[string]int)
	for _, run := range runs {
		if serverAlive(run) {
			p.log.Info("earlier run still has its server; its work is left alone", zap.Int64("run", run.ID),
				zap.Int("pid", run.PID))
			continue
		}
		claimed, err := st.ClaimRun(ctx, run.ID, p.opts.RunID)
		if err != nil {
			return report, fmt.Errorf("recover run %d: %w", run.ID, err)
		}
		if !claimed {
			continue
		}
		report.Runs = append(report.Runs, run.ID)
		instances, err := p.endOpenAttempts(ctx, run.ID)
		if err != nil {
			return report, fmt.Errorf("recover run %d: %w", run.ID, err)
		}
		for _, inst := range instances {
			interrupted[inst.TaskID] = inst.Attempt
		}
		report.Instances = append(report.Instances, instances...)
		moved, err := st.MoveTasks(ctx, run.ID, p.opts.RunID, finalStateNames())
		if err != nil {
			return report, fmt.Errorf("recover run %d: %w", run.ID, err)
		}
		tasks = append(tasks, moved...)
	}
	report.Requeued, report.Settled = p.restoreTasks(ctx, tasks, interrupted)
	if len(report.Runs) > 0 {
		p.log.Info("recovered earlier runs", zap.Int64s("runs", report.Runs),
			zap.Int("instances", len(report.Instances)), zap.Strings("requeued", report.Requeued))
	}
	return report, nil
}

// serverAlive reports whether the server process of run still runs.
func serverAlive(run store.Run) bool {
	proc, err := proctree.Read(run.PID)
	return err == nil && proc.Start == run.PIDStart && proc.State != 'Z'
}

// finalStateNames returns the names of the final task states.
func finalStateNames() []string {
	return []string{TaskSucceeded.String(), TaskFailed.String(), TaskCancelled.String(), TaskBlocked.String()}
}

// endOpenAttempts ends the processes of the attempts of run that never
// recorded their end, waiting the kill grace for all of them at once, and
// records those attempts as ended.
func (p *Pool) endOpenAttempts(ctx context.Context, runID int64) ([]RecoveredInstance, error) {
	attempts, err := p.opts.Store.OpenAttempts(ctx, runID)
	if err != nil || len(attempts) == 0 {
		return nil, err
	}
	table, err := proctree.Scan()
	if err != nil {
		return nil, fmt.Errorf("scan processes to end the attempts of run %d: %w", runID, err)
	}
	var all []proctree.Proc
	found := make([]leftovers, len(attempts))
	for k, a := range attempts {
		found[k] = findLeftovers(table, a, readEnviron)
		all = append(all, found[k].procs...)
	}
	forced := make(map[int]bool)
	for _, pid := range endProcesses(all, p.opts.KillGrace) {
		forced[pid] = true
	}
	instances := make([]RecoveredInstance, len(attempts))
	for k, a := range attempts {
		instances[k] = p.settleOpenAttempt(a, found[k], forced)
	}
	return instances, nil
}

// settleOpenAttempt records an attempt of a stopped run as ended and
// reports it.
func (p *Pool) settleOpenAttempt(a store.Attempt, found leftovers, forced map[int]bool) RecoveredInstance {
	inst := RecoveredInstance{InstanceID: a.InstanceID, TaskID: a.TaskID, Attempt: a.Attempt, PID: a.PID,
		PIDReused: found.pidReused}
	for _, proc := range found.procs {
		inst.Ended = append(inst.Ended, proc.PID)
		if forced[proc.PID] {
			inst.Forced = append(inst.Forced, proc.PID)
		}
	}
	reason := interruptedReason(a.Attempt)
	p.journal.endAttempt(a.InstanceID, store.AttemptEnd{State: StateKilled.String(), EndedAt: p.opts.Now(),
		KillReason: reason})
	msg := reason + "; none of its processes still ran"
	switch {
	case len(inst.Ended) > 0:
		msg = fmt.Sprintf("%s; ended %d of its processes that still ran: pids %v", reason, len(inst.Ended), inst.Ended)
	case found.pidReused:
		msg = fmt.Sprintf("%s; its pid %d now belongs to another process, which was left alone", reason, a.PID)
	}
	p.publish(Event{Kind: EventRecovered, Level: LevelWarning, TaskID: a.TaskID, InstanceID: a.InstanceID,
		State: StateKilled.String(), Message: msg, Reason: reason})
	return inst
}

// interruptedReason words why an attempt of a stopped run ended.
func interruptedReason(attempt int) string {
	return fmt.Sprintf("the server stopped while attempt %d ran", attempt)
}
