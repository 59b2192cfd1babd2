package executor

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"go.uber.org/zap"

	"github.com/axiom-mcp/axiom-mcp/pkg/proctree"
	"github.com/axiom-mcp/axiom-mcp/pkg/profile"
	"github.com/axiom-mcp/axiom-mcp/pkg/termkeys"
)

// Timing of the interactive driver.
const (
	// driveInterval is how often the driver looks at the screen. Claude Code
	// redraws its spinner about every 100 ms, so a state lasts at least that.
	driveInterval = 100 * time.Millisecond
	// frameSettle is how long the driver waits after the screen changes
	// before it looks, so that a frame drawn in several writes is seen
	// whole. It also bounds the looks per second at a flooding agent.
	frameSettle = 10 * time.Millisecond
	// resubmitAfter is how long the driver waits for a submitted turn to
	// start before it presses Enter again.
	resubmitAfter = 3 * time.Second
	// busyAfterEnter is the CPU time, in clock ticks, that the agent
	// process may use after an Enter before the driver takes it as busy
	// with the prompt: 200 ms. An input box that waits uses almost none.
	busyAfterEnter = proctree.ClockTicks / 5
	// pasteShowWait bounds the wait for a pasted prompt to show on screen.
	pasteShowWait = 3 * time.Second
	// maxSubmits bounds the Enter presses for one prompt.
	maxSubmits = 3
	// lostPromptAfter is how long after the Enter a prompt that left no
	// trace in the session transcript counts as lost, and maxRetypes how
	// often the driver types it again.
	lostPromptAfter = 10 * time.Second
	maxRetypes      = 1
	// reanswerAfter is how long a dialog may stay after an answer before it
	// is answered again.
	reanswerAfter = 2 * time.Second
	// maxAnswers bounds the answers to one dialog; a dialog still shown
	// after them cannot be answered.
	maxAnswers = 3
	// closeWait is how long a finished agent gets to exit after the close
	// keys before it is sent SIGTERM.
	closeWait = 5 * time.Second
	// interventionGrace is how long after an intervention the screen alone
	// cannot end a turn.
	interventionGrace = 2 * time.Second
	// dialogSettle is how long a dialog must be on screen before it is
	// answered.
	dialogSettle = 500 * time.Millisecond
	// keyPause separates the keys of a dialog answer.
	keyPause = 150 * time.Millisecond
	// keyEffectWait is how long a dialog key other than the last has to
	// change the screen, and maxKeyTries how often it is sent.
	keyEffectWait = time.Second
	maxKeyTries   = 3
	// queueSettle is how long a prompt still queued after a turn's end
	// delays the close. The CLI dequeues a waiting prompt right away.
	queueSettle = 2 * time.Second
	// closeStepPause separates the close steps, as a person would type them.
	closeStepPause = 300 * time.Millisecond
)

// phase is how far the driver has got with the task's prompt.
type phase int

const (
	phaseWaitReady phase = iota // waiting for the input box
	phasePrompted               // prompt submitted, turn not seen yet
	phaseStarted                // the turn is under way
	phaseFinished               // the turn ended; closing the agent
)

// driver types the prompt into an interactive agent when its input box is
// ready, answers the startup dialogs its profile lists, and closes the agent
// once its turn has finished. It runs on one goroutine that the instance
// owns.
type driver struct {
	inst *Instance
	prof *profile.Profile
	log  *zap.Logger

	phase            phase
	submits          int
	retypes          int       // times the prompt was typed again after it was lost
	turnsAtSubmit    int       // finished turns in the transcript before the prompt
	dequeuedAtSubmit int       // typed prompts the CLI had run as turns of their own before the prompt
	turnAt           time.Time // when the driver last saw the count of finished turns grow
	intervened       time.Time // the last intervention the driver has taken into account
	submitAt         time.Time
	beforeEnter      []string // the screen right before the last Enter
	cpuAtEnter       uint64   // the agent process's CPU ticks at the last Enter
	recordsAtEnter   int      // the transcript records read before the last Enter
	screenMoved      bool     // the screen changed after the last Enter
	sawWorking       bool
	turnsDone        int
	answered         map[string]int
	answeredAt       time.Time
	dialogName       string    // the dialog on screen at the last look
	dialogAt         time.Time // when that dialog appeared
	stuck            map[string]bool
	readyState       profile.State // the screen state when the prompt was pasted
}

func newDriver(inst *Instance) *driver {
	return &driver{
		inst: inst, prof: inst.cfg.Launch.prof, log: inst.log,
		answered: make(map[string]int), stuck: make(map[string]bool),
	}
}

// run drives the agent until ctx is done or the agent exits.
// It looks at the screen as soon as the screen changes, so that clients
// learn of a new state within milliseconds, and every driveInterval while
// the screen stays still, for the driver's own timeouts.
func (d *driver) run(ctx context.Context) {
	ticker := time.NewTicker(driveInterval)
	defer ticker.Stop()
	for {
		changed := d.inst.screen.Changed()
		select {
		case <-ctx.Done():
			return
		case <-d.inst.exited:
			return
		case <-ticker.C:
		case <-changed:
			// A frame may arrive in several writes: let the rest of it
			// render, so one look reads it whole. This also bounds the
			// looks at a flooding agent.
			if !sleepCtx(ctx, frameSettle) {
				return
			}
		}
		ticker.Reset(driveInterval)
		if d.step(ctx) {
			d.close(ctx)
			return
		}
	}
}

// step looks at the agent once and acts. It returns true when the turn has
// finished and the agent should be closed.
func (d *driver) step(ctx context.Context) bool {
	d.inst.pollTranscript()
	obs := d.prof.Classify(d.inst.screen.Lines(), d.inst.screen.Title())
	if d.inst.observe(obs) {
		d.stateChanged()
	}
	if at := d.inst.lastIntervention(); at.After(d.intervened) {
		// A client typed into the agent: the turn may have been cancelled
		// or replaced, so only a turn seen after this counts.
		d.intervened, d.sawWorking = at, false
	}
	if obs.State == profile.StateWorking || obs.State == profile.StateWaitingInput {
		d.sawWorking = true
	}
	if turns := d.inst.turnsFinished(); turns != d.turnsDone {
		d.turnsDone, d.turnAt = turns, time.Now()
	}

	if obs.State != profile.StateDialog {
		d.dialogName = ""
	}
	switch {
	case obs.State == profile.StateDialog:
		d.answer(ctx, obs)
	case d.phase == phaseWaitReady && isIdleBox(obs.State):
		d.readyState = obs.State
		d.submit(ctx, true)
	case d.phase == phasePrompted:
		d.checkStarted(ctx, obs)
	case d.phase == phaseStarted && d.turnFinished(obs):
		d.phase = phaseFinished
		return true
	}
	return false
}

// turnFinished reports whether the submitted turn is over. With a session
// transcript only its record of a finished turn counts: Claude Code 2.1.197
// writes none for a turn cancelled with Esc, whose screen returns to the
// idle input box all the same. Without a transcript file, the screen must
// show the idle box after it showed work, and not right after an
// intervention.
func (d *driver) turnFinished(obs profile.Observation) bool {
	if d.inst.transcriptLog != nil && d.inst.transcriptLog.Path() != "" {
		return d.transcriptTurnFinished()
	}
	// The grace must end before the idle timeout, or an agent that finished
	// right after an intervention is killed as idle first.
	grace := min(interventionGrace, d.inst.cfg.Thresholds.IdleTimeout/2)
	return d.sawWorking && isIdleBox(obs.State) && time.Since(d.intervened) >= grace
}

// transcriptTurnFinished reports whether the transcript shows the end of
// the prompt's turn and of every turn that a prompt typed during it started.
// Claude Code 2.1.197 runs such a prompt as a turn of its own when the turn
// it was typed in ends without another model request, and dequeues it just
// before that turn's end record. A prompt still queued a moment after the
// last turn ended, which the CLI would have dequeued by then, does not hold
// the close.
func (d *driver) transcriptTurnFinished() bool {
	queue := d.inst.typedQueue()
	want := d.turnsAtSubmit + 1 + queue.Dequeued - d.dequeuedAtSubmit
	if d.turnsDone < want {
		return false
	}
	return queue.Pending() == 0 || time.Since(d.turnAt) >= queueSettle
}

func isIdleBox(s profile.State) bool {
	return s == profile.StateReady || s == profile.StateTurnFinished
}

// submit pastes the prompt (first time) and presses Enter as a separate
// write after the profile's pause: a carriage return that arrives with the
// paste would be taken as part of it.
func (d *driver) submit(ctx context.Context, paste bool) {
	if paste {
		before := d.inst.screen.Lines()
		data := "\x1b[200~" + guardPrompt(d.inst.cfg.Prompt, d.prof.PromptGuard) + "\x1b[201~"
		if _, err := d.inst.input.write(ctx, []byte(data), InputTimeout); err != nil {
			d.log.Warn("typing the prompt failed", zap.Error(err))
			return
		}
		// A busy machine may take a while to draw the paste, and an Enter
		// that arrives before the paste is taken in joins it.
		if !d.waitScreenChange(ctx, before, pasteShowWait) || !sleepCtx(ctx, time.Duration(d.prof.SubmitDelay)) {
			return
		}
	}
	d.beforeEnter = d.inst.screen.Lines()
	d.inst.noteHistory(d.beforeEnter)
	d.cpuAtEnter = d.agentCPU()
	d.recordsAtEnter = d.inst.transcriptRecords()
	if _, err := d.inst.input.write(ctx, []byte("\r"), InputTimeout); err != nil {
		d.log.Warn("submitting the prompt failed", zap.Error(err))
		return
	}
	d.screenMoved = false
	if d.submits == 0 {
		d.turnsAtSubmit = d.inst.turnsFinished()
		d.dequeuedAtSubmit = d.inst.typedQueue().Dequeued
	}
	d.submits++
	d.submitAt = time.Now()
	d.phase = phasePrompted
	d.log.Debug("prompt submitted", zap.Int("submits", d.submits))
}

// guardPrompt puts a space before a prompt whose first character the CLI
// would read as a command marker.
func guardPrompt(prompt, guard string) string {
	if first, _ := utf8.DecodeRuneInString(prompt); prompt != "" && strings.ContainsRune(guard, first) {
		return " " + prompt
	}
	return prompt
}

// promptLost reports whether a prompt submitted lostPromptAfter ago never
// reached an agent that keeps a session transcript. Claude Code writes a
// prompt to its transcript as it takes it, so the prompt is lost when the
// input box is back and no record was added since the Enter. Screen
// changes prove nothing here, because a resumed session redraws its
// earlier turns while it loads.
func (d *driver) promptLost(obs profile.Observation) bool {
	return len(d.prof.ClearInput) > 0 && d.inst.transcriptLog != nil && d.retypes < maxRetypes &&
		isIdleBox(obs.State) && time.Since(d.submitAt) >= lostPromptAfter &&
		d.inst.transcriptRecords() == d.recordsAtEnter
}

// retype empties the agent's input box and types the prompt again.
// NOTE: no run has yet shown that Ctrl-U and a second paste bring a lost
// prompt through to a real Claude Code; the tests cover only the check.
func (d *driver) retype(ctx context.Context) {
	steps, err := d.prof.ClearInputBytes()
	if err != nil {
		d.log.Warn("clear_input steps are invalid", zap.Error(err))
		return
	}
	d.retypes++
	d.log.Info("prompt missing from the session transcript after Enter, typing it again",
		zap.Duration("since_enter", time.Since(d.submitAt)))
	for _, step := range steps {
		if _, err := d.inst.input.write(ctx, step, InputTimeout); err != nil {
			d.log.Warn("clearing the input box failed", zap.Error(err))
			return
		}
		if !sleepCtx(ctx, closeStepPause) {
			return
		}
	}
	d.submit(ctx, true)
}

// waitScreenChange waits up to limit for the screen to differ from before.
// It returns false only when ctx ends.
func (d *driver) waitScreenChange(ctx context.Context, before []string, limit time.Duration) bool {
	if !d.screenChanged(ctx, before, limit) {
		if ctx.Err() != nil {
			return false
		}
		d.log.Debug("the pasted prompt did not show on screen", zap.Duration("waited", limit))
	}
	return true
}

// checkStarted moves on once the turn shows, and presses Enter again when
// the prompt still sits in the input box.
func (d *driver) checkStarted(ctx context.Context, obs profile.Observation) {
	// A turn shorter than driveInterval starts and ends between two looks.
	// A summary that was not on screen when the prompt was pasted shows
	// that it ran.
	if obs.State == profile.StateTurnFinished && d.readyState != profile.StateTurnFinished {
		d.sawWorking = true
	}
	if d.sawWorking || d.turnsDone > d.turnsAtSubmit || d.inst.toolsSeen() > 0 {
		d.phase = phaseStarted
		return
	}
	// Only an Enter that changed nothing on screen was lost. Once the screen
	// moved, the CLI took the Enter even if it has not drawn the turn yet,
	// and under load it may draw a permission question next, which another
	// Enter would answer with its preselected "Yes".
	if !slices.Equal(d.beforeEnter, d.inst.screen.Lines()) {
		d.screenMoved = true
	}
	// Claude Code writes the prompt to the session transcript when it takes
	// it, which shows that the Enter arrived even when a loaded machine has
	// not redrawn the screen yet. The file of a resumed session exists
	// before the Enter, so only records read after it count.
	if d.inst.transcriptRecords() > d.recordsAtEnter {
		d.screenMoved = true
	}
	if d.promptLost(obs) {
		d.retype(ctx)
		return
	}
	if d.screenMoved || time.Since(d.submitAt) < resubmitAfter || d.submits >= maxSubmits {
		return
	}
	// A CLI on a loaded machine may take the Enter and compute for seconds
	// before it draws anything. A second Enter would wait in its input and
	// answer the next permission question with "Yes", so a CLI that used
	// the CPU since the Enter counts as having taken it.
	if used := d.agentCPU() - d.cpuAtEnter; used >= busyAfterEnter {
		d.screenMoved = true
		d.log.Info("the screen did not change after Enter, but the agent is computing; not pressing it again",
			zap.Duration("cpu", time.Duration(used)*time.Second/proctree.ClockTicks))
		return
	}
	d.log.Info("the Enter changed nothing on screen; pressing it again", zap.String("screen_state", string(obs.State)))
	d.submit(ctx, false)
}

// answer types the profile's answer to a dialog. A dialog with no answer,
// or one still shown after several answers, is reported once and left for a
// person.
func (d *driver) answer(ctx context.Context, obs profile.Observation) {
	dlg := obs.Dialog
	if !dlg.Answerable() || d.answered[dlg.Name] >= maxAnswers {
		if !d.stuck[dlg.Name] {
			d.stuck[dlg.Name] = true
			d.inst.reportStuckDialog(dlg, d.answered[dlg.Name])
		}
		return
	}
	if d.dialogName != dlg.Name {
		d.dialogName, d.dialogAt = dlg.Name, time.Now()
	}
	// Claude Code 2.1.197 draws a dialog before it reads keys for it: a key
	// sent at once was lost, and the Enter after it confirmed the default.
	if time.Since(d.dialogAt) < dialogSettle {
		return
	}
	if time.Since(d.answeredAt) < reanswerAfter && d.answered[dlg.Name] > 0 {
		return
	}
	if err := d.typeKeys(ctx, dlg.Answer); err != nil {
		d.log.Warn("answering a dialog failed", zap.String("dialog", dlg.Name), zap.Error(err))
		d.answered[dlg.Name] = maxAnswers
		return
	}
	d.answered[dlg.Name]++
	d.answeredAt = time.Now()
	d.inst.noteDialogAnswered(dlg.Name)
}

// typeKeys sends named keys one write at a time. Every key but the last
// must change the screen, such as moving a selection, and is sent again when
// it did not. Under load Claude Code 2.1.197 lost the "down" of a dialog
// answer, and the Enter after it confirmed the default option.
func (d *driver) typeKeys(ctx context.Context, names []string) error {
	for n, name := range names {
		seq, err := termkeys.Encode([]string{name})
		if err != nil {
			return err
		}
		last := n == len(names)-1
		for try := 1; ; try++ {
			before := d.inst.screen.Lines()
			if _, err := d.inst.input.write(ctx, []byte(seq), InputTimeout); err != nil {
				return fmt.Errorf("type key %s: %w", name, err)
			}
			d.inst.noteKeysSent()
			if last || d.screenChanged(ctx, before, keyEffectWait) || try == maxKeyTries {
				break
			}
			d.log.Info("a dialog key had no effect on screen; sending it again", zap.String("key", name))
		}
		if !sleepCtx(ctx, keyPause) {
			return ctx.Err()
		}
	}
	return nil
}

// screenChanged reports whether the screen differs from before within wait.
func (d *driver) screenChanged(ctx context.Context, before []string, wait time.Duration) bool {
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) {
		if !slices.Equal(before, d.inst.screen.Lines()) {
			return true
		}
		if !sleepCtx(ctx, 20*time.Millisecond) {
			return false
		}
	}
	return false
}

// close types the profile's close steps, waits for the agent to exit and
// ends it with SIGTERM, then SIGKILL, if it does not.
func (d *driver) close(ctx context.Context) {
	d.inst.markCompleted("turn finished")
	d.stateChanged()
	steps, err := d.prof.CloseBytes()
	if err != nil {
		d.log.Warn("close steps are invalid", zap.Error(err))
	}
	for _, step := range steps {
		if _, err := d.inst.input.write(ctx, step, InputTimeout); err != nil {
			break
		}
		if !sleepCtx(ctx, closeStepPause) {
			return
		}
	}
	if d.waitExit(ctx, closeWait) {
		return
	}
	d.log.Info("agent did not exit after its close keys; sending SIGTERM")
	d.inst.signal(syscall.SIGTERM)
	if d.waitExit(ctx, d.inst.cfg.KillGrace) {
		return
	}
	d.inst.signal(syscall.SIGKILL)
}

func (d *driver) waitExit(ctx context.Context, wait time.Duration) bool {
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case <-d.inst.exited:
		return true
	case <-ctx.Done():
		return true
	case <-timer.C:
		return false
	}
}

// stateChanged notifies the pool that the instance's state or its notes may
// have changed, so that clients learn of it at once.
func (d *driver) stateChanged() {
	if d.inst.cfg.OnState != nil {
		d.inst.cfg.OnState(d.inst)
	}
}

// sleepCtx waits for d and reports whether ctx is still live.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// stuckDialogMessage explains a dialog the driver could not get past.
func stuckDialogMessage(dlg *profile.Dialog, answers int) string {
	if answers == 0 {
		msg := fmt.Sprintf("the agent shows the %s dialog, which cannot be answered automatically", dlg.Name)
		if dlg.Help != "" {
			msg += ": " + dlg.Help
		}
		return msg
	}
	return fmt.Sprintf("the agent still shows the %s dialog after %d answers; answer it with intervene "+
		"or fix the agent's configuration", dlg.Name, answers)
}

// agentCPU returns the CPU ticks of the agent process itself, or 0 when it
// cannot be read.
func (d *driver) agentCPU() uint64 {
	proc, err := proctree.Read(d.inst.pid)
	if err != nil {
		return 0
	}
	return proc.CPUTicks
}
