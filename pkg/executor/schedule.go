package executor

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/axiom-mcp/axiom-mcp/pkg/agent"
	"github.com/axiom-mcp/axiom-mcp/pkg/claudecode"
	"github.com/axiom-mcp/axiom-mcp/pkg/queue"
	"github.com/axiom-mcp/axiom-mcp/pkg/scoring"
	"github.com/axiom-mcp/axiom-mcp/pkg/store"
)

// scheduleLocked starts the tasks the queue hands out, highest priority
// first and oldest first among equals, while slots are free. The caller
// holds p.mu.
func (p *Pool) scheduleLocked() {
	if p.closed {
		return
	}
	now := p.opts.Now()
	if p.startsPausedLocked(now) {
		return
	}
	if p.machineHold.until != "" && now.Before(p.holdCheckAt) {
		return
	}
	for len(p.running) < p.opts.MaxInstances {
		next, ok := p.queue.Next(now)
		if !ok {
			p.machineHold = hold{} // nothing waits, so nothing is held
			return
		}
		if h := p.checkMachineLocked(now); h.until != "" {
			// The task goes back without spending its attempt, and starts
			// wait, so the machine is not pushed into swap or overload.
			if err := p.queue.Defer(next.ID, now); err != nil {
				p.log.Error("returning a task to the queue failed", zap.String("task", next.ID), zap.Error(err))
			}
			p.holdStartsLocked(now, h)
			return
		}
		p.endHoldLocked()
		if p.opts.MinFreeMemory > 0 {
			p.recentStarts = append(p.recentStarts, now)
		}
		p.startLocked(p.tasks[next.ID], next.Attempt)
	}
}

// attemptNotStarted is the stored state of an attempt whose process could
// not be started.
const attemptNotStarted = "not_started"

// startLocked starts one instance for t as the given attempt. A start
// failure counts as a failed attempt.
func (p *Pool) startLocked(t *task, attempt int) {
	t.attempts = attempt
	id := newID("i")
	env := p.agentEnv(t, id)
	resumedFrom := p.resumeSession(t, env)
	sessionID := resumedFrom
	if sessionID == "" {
		sessionID = claudecode.NewSessionID()
	}
	argv, prompt := p.launchArgs(t, sessionID, resumedFrom)
	if err := p.trustWorkspace(t, env); err != nil {
		p.log.Warn("start instance failed", zap.String("task", t.id), zap.Error(err))
		p.retryOrFailLocked(t, fmt.Sprintf("attempt %d could not start: %v", t.attempts, err))
		return
	}
	p.journal.addAttempt(store.Attempt{InstanceID: id, TaskID: t.id, Attempt: t.attempts, SessionID: sessionID,
		Workspace: t.workspace, State: StateStarting.String(), StartedAt: p.opts.Now()})
	inst, err := startInstance(instanceConfig{
		ID: id, TaskID: t.id, Attempt: t.attempts,
		Start: startSpec{
			Argv: argv, Env: env, Dir: t.workspace,
			Stdin: t.stdin(), Cols: p.opts.Cols, Rows: p.opts.Rows,
		},
		Launch:          t.launch,
		Prompt:          prompt,
		SessionID:       sessionID,
		ResumedFrom:     resumedFrom,
		ConfigDir:       claudecode.ConfigDir(env),
		KillGrace:       p.opts.KillGrace,
		TranscriptBytes: p.opts.TranscriptBytes,
		FloodBytes:      p.opts.floodBytes,
		TranscriptDir:   filepath.Join(p.opts.TranscriptDir, t.id, id),
		TranscriptMax:   p.opts.TranscriptMax,
		DrainWindow:     p.opts.DrainWindow,
		Thresholds:      p.opts.Thresholds,
		Weights:         p.opts.Weights,
		Now:             p.opts.Now,
		Logger:          p.log,
		OnState:         p.onInstanceState,
		OnEnd:           p.onInstanceEnd,
	})
	if err != nil {
		p.log.Warn("start instance failed", zap.String("task", t.id), zap.Error(err))
		p.journal.endAttempt(id, store.AttemptEnd{State: attemptNotStarted, EndedAt: p.opts.Now(),
			KillReason: err.Error()})
		p.retryOrFailLocked(t, fmt.Sprintf("attempt %d could not start: %v", t.attempts, err))
		return
	}
	p.journal.attemptStarted(inst)
	_, textFile := inst.transcriptFiles()
	p.journal.attemptOutput(id, textFile)
	t.state = TaskRunning
	t.instances = append(t.instances, id)
	p.instances[id] = inst
	p.running[id] = inst
	p.journal.saveTask(t, p.opts.Now())
	p.publish(Event{Kind: EventInstanceStarted, TaskID: t.id, InstanceID: id,
		Message: fmt.Sprintf("attempt %d started with profile %s, pid %d%s", t.attempts, t.launch.prof.Name, inst.pid,
			resumeNote(resumedFrom))})
}

// onInstanceEnd settles the task of an instance that has ended and fills the
// freed slot.
func (p *Pool) onInstanceEnd(inst *Instance) {
	info := inst.Info(p.opts.Now(), 0)
	p.journal.endAttempt(inst.id, store.AttemptEnd{State: info.State, EndedAt: *info.EndedAt,
		KillReason: info.KillReason, ExitCode: info.ExitCode, FinalScreen: screenText(inst.screen.Lines())})
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
	if len(info.LeftoversEnded) > 0 {
		p.publish(Event{Kind: EventWarning, Level: LevelInfo, TaskID: t.id, InstanceID: inst.id,
			Message: fmt.Sprintf("ended processes the agent left running: pids %v", info.LeftoversEnded)})
	}
	if t.state == TaskCancelled {
		p.endCancelledLocked(t, inst, info)
		return
	}

	var cause *scoring.Upstream
	if info.Completed == "" && requeue && !p.closed {
		cause = inst.upstreamCause()
	}
	// Only an attempt that a failure of the model API ended is continued.
	// After any other end the next instance starts a new session.
	t.resumeSession = ""
	if cause != nil {
		t.resumeSession = inst.cfg.SessionID
	}

	switch {
	case info.Completed != "":
		p.publish(Event{Kind: EventInstanceExited, TaskID: t.id, InstanceID: inst.id,
			Message: fmt.Sprintf("finished its task (%s); exited with code %d", info.Completed, *info.ExitCode)})
		p.authFailures = 0
		p.endTaskLocked(t, queue.Success, TaskSucceeded, "")
	case cause != nil && p.retryAfterUpstreamLocked(t, cause, info.Attempt):
		p.publishUpstreamEndLocked(t, inst, info, cause)
	case info.KillReason != "":
		p.publish(Event{Kind: EventInstanceKilled, Level: LevelWarning, TaskID: t.id, InstanceID: inst.id,
			Message: "killed: " + info.KillReason, Score: info.Score, Parts: info.ScoreParts, Reason: info.KillReason})
		reason := fmt.Sprintf("attempt %d killed: %s", info.Attempt, info.KillReason)
		p.fixStdinLocked(t, info)
		if !requeue || p.closed {
			p.endTaskLocked(t, queue.Stopped, TaskCancelled, reason)
		} else {
			p.retryAttemptLocked(t, info, reason)
		}
	case info.AgentError != "":
		p.publish(Event{Kind: EventInstanceExited, Level: LevelWarning, TaskID: t.id, InstanceID: inst.id,
			Message: fmt.Sprintf("%s; exited with code %d", info.AgentError, *info.ExitCode)})
		p.retryAttemptLocked(t, info, fmt.Sprintf("attempt %d: %s", info.Attempt, info.AgentError))
	case *info.ExitCode == 0 && p.exitMeansDone(t):
		p.publish(Event{Kind: EventInstanceExited, TaskID: t.id, InstanceID: inst.id, Message: "exited with code 0"})
		p.endTaskLocked(t, queue.Success, TaskSucceeded, "")
	case *info.ExitCode == 0:
		p.publish(Event{Kind: EventInstanceExited, Level: LevelWarning, TaskID: t.id, InstanceID: inst.id,
			Message: "exited with code 0 before its turn finished"})
		p.retryAttemptLocked(t, info, fmt.Sprintf("attempt %d exited before its turn finished", info.Attempt))
	default:
		p.publish(Event{Kind: EventInstanceExited, Level: LevelWarning, TaskID: t.id, InstanceID: inst.id,
			Message: fmt.Sprintf("exited with code %d", *info.ExitCode)})
		p.retryAttemptLocked(t, info, fmt.Sprintf("attempt %d exited with code %d", info.Attempt, *info.ExitCode))
	}
	p.scheduleLocked()
}

// exitMeansDone reports whether a clean exit completes the task: true for
// profiles done at exit, false for those done when their turn finishes.
func (p *Pool) exitMeansDone(t *task) bool { return t.launch.prof.Done != "turn" }

// retryAttemptLocked records how the attempt that info describes ended,
// for the handoff note of the next attempt, then retries or fails t.
func (p *Pool) retryAttemptLocked(t *task, info InstanceInfo, reason string) {
	t.handoff = newHandoff(info)
	p.retryOrFailLocked(t, reason)
}

// retryOrFailLocked queues t again after the queue's backoff, or fails it
// when its attempts are spent.
func (p *Pool) retryOrFailLocked(t *task, reason string) {
	t.lastError = reason
	if p.closed {
		p.endTaskLocked(t, queue.Stopped, TaskCancelled, reason+"; the server shut down")
		return
	}
	res, err := p.queue.Finish(t.id, queue.Failure, p.opts.Now())
	if err != nil {
		p.log.Error("queue rejected a failed attempt", zap.String("task", t.id), zap.Error(err))
	}
	if err != nil || res.State != queue.Delayed {
		p.finishTaskLocked(t, TaskFailed, fmt.Sprintf("%s; gave up after %s", reason, attempts(t.attempts)))
		p.applyChangesLocked(res.Blocked)
		return
	}
	t.state = TaskQueued
	t.notBefore = res.NotBefore
	p.journal.saveTask(t, p.opts.Now())
	wait := res.NotBefore.Sub(p.opts.Now()).Round(100 * time.Millisecond)
	p.publish(Event{Kind: EventTaskRequeued, Level: LevelWarning, TaskID: t.id,
		Message: fmt.Sprintf("%s; queued again (%d of %d attempts used), next attempt in %s",
			reason, t.attempts, t.maxAttempts, wait)})
}

// endCancelledLocked handles the end of an instance whose task Cancel has
// already settled: the queue frees the task's owned paths and the slot is
// filled.
func (p *Pool) endCancelledLocked(t *task, inst *Instance, info InstanceInfo) {
	msg := "ended after its task was cancelled"
	if info.KillReason != "" {
		msg = "killed: " + info.KillReason
	}
	p.publish(Event{Kind: EventInstanceKilled, Level: LevelWarning, TaskID: t.id, InstanceID: inst.id,
		Message: msg, Score: info.Score, Parts: info.ScoreParts})
	if _, err := p.queue.Finish(t.id, queue.Stopped, p.opts.Now()); err != nil {
		p.log.Error("queue rejected the end of a cancelled task", zap.String("task", t.id), zap.Error(err))
	}
	p.scheduleLocked()
}

func (p *Pool) finishTaskLocked(t *task, state TaskState, reason string) {
	t.state = state
	t.finishedAt = p.opts.Now()
	if reason != "" {
		t.lastError = reason
	}
	p.journal.saveTask(t, p.opts.Now())
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
// them and for every kill in flight, until deadline.
func (p *Pool) shutdown(deadline time.Time) {
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

	grace := shutdownGrace(p.opts.KillGrace, deadline, time.Now())
	p.log.Info("shutting down pool", zap.Int("running", len(running)), zap.Duration("kill_grace", grace))
	done := make(chan struct{}, len(running))
	for _, inst := range running {
		go func() {
			inst.Kill("server shutting down", grace)
			done <- struct{}{}
		}()
	}
	if ended := waitUntil(done, len(running), deadline); ended < len(running) {
		// The process exits soon after, and the parent-death signal ends
		// the agents that are left.
		p.log.Error("instances did not end before the shutdown deadline", zap.Int("left", len(running)-ended))
		p.bus.close()
		return
	}
	p.wg.Wait()
	p.bus.close()
	p.logFinalState()
}

func attempts(n int) string {
	if n == 1 {
		return "1 attempt"
	}
	return fmt.Sprintf("%d attempts", n)
}

// fixStdinLocked gives the next attempts of t /dev/null as stdin when a
// headless agent whose stdin was its terminal was killed as stuck at
// startup. Such a CLI may wait for the end of its input, which a terminal
// never sends.
func (p *Pool) fixStdinLocked(t *task, info InstanceInfo) {
	if t.nullStdin || t.launch.prof.Interactive() || t.launch.tpl.Stdin != agent.StdinTerminal ||
		!strings.Contains(info.KillReason, scoring.StuckAtStartup) {
		return
	}
	t.nullStdin = true
	p.publish(Event{Kind: EventWarning, Level: LevelInfo, TaskID: t.id, InstanceID: info.ID,
		Message: "the agent showed no activity since its start; the next attempts get /dev/null as stdin"})
}
