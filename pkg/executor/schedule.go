package executor

import (
	"fmt"
	"sort"

	"go.uber.org/zap"

	"github.com/axiom-mcp/axiom-mcp/pkg/claudecode"
	"github.com/axiom-mcp/axiom-mcp/pkg/scoring"
)

// scheduleLocked blocks tasks whose dependencies failed, then starts ready
// tasks, highest priority first and oldest first among equals, while slots
// are free. The caller holds p.mu.
func (p *Pool) scheduleLocked() {
	if p.closed {
		return
	}
	p.blockLocked()
	now := p.opts.Now()
	if p.startsPausedLocked(now) {
		return
	}
	var ready []*task
	for _, t := range p.order {
		if t.state == TaskQueued && !now.Before(t.notBefore) && p.depsMetLocked(t) {
			ready = append(ready, t)
		}
	}
	sort.SliceStable(ready, func(a, b int) bool { return ready[a].spec.Priority > ready[b].spec.Priority })
	for _, t := range ready {
		if len(p.running) >= p.opts.MaxInstances {
			return
		}
		p.startLocked(t)
	}
}

func (p *Pool) depsMetLocked(t *task) bool {
	for _, dep := range t.deps {
		if p.tasks[dep].state != TaskSucceeded {
			return false
		}
	}
	return true
}

// blockLocked marks queued tasks blocked when a dependency can no longer
// succeed, repeating until nothing changes so that blocking spreads down
// chains.
func (p *Pool) blockLocked() {
	for changed := true; changed; {
		changed = false
		for _, t := range p.order {
			if t.state != TaskQueued {
				continue
			}
			for _, dep := range t.deps {
				d := p.tasks[dep]
				if d.state == TaskFailed || d.state == TaskCancelled || d.state == TaskBlocked {
					p.finishTaskLocked(t, TaskBlocked, fmt.Sprintf("dependency %s is %s", label(d), d.state))
					changed = true
					break
				}
			}
		}
	}
}

// startLocked starts one instance for t. A start failure counts as a failed
// attempt.
func (p *Pool) startLocked(t *task) {
	t.attempts++
	id := newID("i")
	sessionID := claudecode.NewSessionID()
	env := p.agentEnv(t, id)
	if err := p.trustWorkspace(t, env); err != nil {
		p.log.Warn("start instance failed", zap.String("task", t.id), zap.Error(err))
		p.retryOrFailLocked(t, fmt.Sprintf("attempt %d could not start: %v", t.attempts, err))
		return
	}
	inst, err := startInstance(instanceConfig{
		ID: id, TaskID: t.id, Attempt: t.attempts,
		Start: startSpec{
			Argv: p.expandArgv(t, sessionID), Env: env, Dir: t.workspace,
			Stdin: t.launch.tpl.Stdin, Cols: p.opts.Cols, Rows: p.opts.Rows,
		},
		Launch:          t.launch,
		Prompt:          t.spec.Prompt,
		SessionID:       sessionID,
		ConfigDir:       claudecode.ConfigDir(env),
		KillGrace:       p.opts.KillGrace,
		TranscriptBytes: p.opts.TranscriptBytes,
		DrainWindow:     p.opts.DrainWindow,
		Thresholds:      p.opts.Thresholds,
		Weights:         p.opts.Weights,
		Now:             p.opts.Now,
		Logger:          p.log,
		OnEnd:           p.onInstanceEnd,
	})
	if err != nil {
		p.log.Warn("start instance failed", zap.String("task", t.id), zap.Error(err))
		p.retryOrFailLocked(t, fmt.Sprintf("attempt %d could not start: %v", t.attempts, err))
		return
	}
	t.state = TaskRunning
	t.instances = append(t.instances, id)
	p.instances[id] = inst
	p.running[id] = inst
	p.publish(Event{Kind: EventInstanceStarted, TaskID: t.id, InstanceID: id,
		Message: fmt.Sprintf("attempt %d started with profile %s, pid %d", t.attempts, t.launch.prof.Name, inst.pid)})
}

// onInstanceEnd settles the task of an instance that has ended and fills the
// freed slot.
func (p *Pool) onInstanceEnd(inst *Instance) {
	info := inst.Info(p.opts.Now(), 0)
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.running, inst.id)
	delete(p.killing, inst.id)
	requeue := !p.noRequeue[inst.id]
	delete(p.noRequeue, inst.id)
	t := p.tasks[inst.taskID]
	for _, note := range inst.takeNotes() {
		p.publish(Event{Kind: EventWarning, Level: LevelWarning, TaskID: t.id, InstanceID: inst.id, Message: note})
	}

	var cause *scoring.Upstream
	if info.Completed == "" && requeue && !p.closed {
		cause = inst.upstreamCause()
	}

	switch {
	case info.Completed != "":
		p.publish(Event{Kind: EventInstanceExited, TaskID: t.id, InstanceID: inst.id,
			Message: fmt.Sprintf("finished its task (%s); exited with code %d", info.Completed, *info.ExitCode)})
		p.authFailures = 0
		p.finishTaskLocked(t, TaskSucceeded, "")
	case cause != nil && p.retryAfterUpstreamLocked(t, cause, info.Attempt):
		p.publish(Event{Kind: EventInstanceExited, Level: LevelWarning, TaskID: t.id, InstanceID: inst.id,
			Message: fmt.Sprintf("ended on a model API failure (%s); exit code %d", cause.Kind, *info.ExitCode)})
	case info.KillReason != "":
		p.publish(Event{Kind: EventInstanceKilled, Level: LevelWarning, TaskID: t.id, InstanceID: inst.id,
			Message: "killed: " + info.KillReason, Score: info.Score, Parts: info.ScoreParts, Reason: info.KillReason})
		reason := fmt.Sprintf("attempt %d killed: %s", info.Attempt, info.KillReason)
		if !requeue || p.closed {
			p.finishTaskLocked(t, TaskCancelled, reason)
		} else {
			p.retryOrFailLocked(t, reason)
		}
	case info.AgentError != "":
		p.publish(Event{Kind: EventInstanceExited, Level: LevelWarning, TaskID: t.id, InstanceID: inst.id,
			Message: fmt.Sprintf("%s; exited with code %d", info.AgentError, *info.ExitCode)})
		p.retryOrFailLocked(t, fmt.Sprintf("attempt %d: %s", info.Attempt, info.AgentError))
	case *info.ExitCode == 0 && p.exitMeansDone(t):
		p.publish(Event{Kind: EventInstanceExited, TaskID: t.id, InstanceID: inst.id, Message: "exited with code 0"})
		p.finishTaskLocked(t, TaskSucceeded, "")
	case *info.ExitCode == 0:
		p.publish(Event{Kind: EventInstanceExited, Level: LevelWarning, TaskID: t.id, InstanceID: inst.id,
			Message: "exited with code 0 before its turn finished"})
		p.retryOrFailLocked(t, fmt.Sprintf("attempt %d exited before its turn finished", info.Attempt))
	default:
		p.publish(Event{Kind: EventInstanceExited, Level: LevelWarning, TaskID: t.id, InstanceID: inst.id,
			Message: fmt.Sprintf("exited with code %d", *info.ExitCode)})
		p.retryOrFailLocked(t, fmt.Sprintf("attempt %d exited with code %d", info.Attempt, *info.ExitCode))
	}
	p.scheduleLocked()
}

// exitMeansDone reports whether a clean exit completes the task: true for
// profiles done at exit, false for those done when their turn finishes.
func (p *Pool) exitMeansDone(t *task) bool { return t.launch.prof.Done != "turn" }

// retryOrFailLocked queues t again, or fails it when its attempts are spent.
func (p *Pool) retryOrFailLocked(t *task, reason string) {
	t.lastError = reason
	if p.closed {
		p.finishTaskLocked(t, TaskCancelled, reason+"; the server shut down")
		return
	}
	if t.attempts >= t.maxAttempts {
		p.finishTaskLocked(t, TaskFailed, fmt.Sprintf("%s; gave up after %s", reason, attempts(t.attempts)))
		return
	}
	t.state = TaskQueued
	p.publish(Event{Kind: EventTaskRequeued, Level: LevelWarning, TaskID: t.id,
		Message: fmt.Sprintf("%s; queued again (%d of %d attempts used)", reason, t.attempts, t.maxAttempts)})
}

func (p *Pool) finishTaskLocked(t *task, state TaskState, reason string) {
	t.state = state
	t.finishedAt = p.opts.Now()
	if reason != "" {
		t.lastError = reason
	}
	level, msg := LevelInfo, "task "+state.String()
	switch state {
	case TaskSucceeded:
	case TaskFailed:
		level, msg = LevelError, fmt.Sprintf("task %s: %s", state, reason)
	default:
		level, msg = LevelWarning, fmt.Sprintf("task %s: %s", state, reason)
	}
	p.publish(Event{Kind: EventTaskFinished, Level: level, TaskID: t.id, Message: msg, TaskState: state.String(),
		Reason: reason})
}

// shutdown stops scheduling, kills every running instance and waits for
// them and for every kill in flight.
func (p *Pool) shutdown() {
	p.mu.Lock()
	p.closed = true
	running := make([]*Instance, 0, len(p.running))
	for _, inst := range p.running {
		running = append(running, inst)
	}
	for _, t := range p.order {
		if t.state == TaskQueued {
			p.finishTaskLocked(t, TaskCancelled, "the server shut down before it ran")
		}
	}
	p.mu.Unlock()

	p.log.Info("shutting down pool", zap.Int("running", len(running)))
	done := make(chan struct{}, len(running))
	for _, inst := range running {
		go func() {
			inst.Kill("server shutting down", p.opts.KillGrace)
			done <- struct{}{}
		}()
	}
	for range running {
		<-done
	}
	p.wg.Wait()
	p.bus.close()
}

func attempts(n int) string {
	if n == 1 {
		return "1 attempt"
	}
	return fmt.Sprintf("%d attempts", n)
}
