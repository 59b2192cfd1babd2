package executor

import (
	"fmt"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/axiom-mcp/axiom-mcp/pkg/claudecode"
	"github.com/axiom-mcp/axiom-mcp/pkg/profile"
	"github.com/axiom-mcp/axiom-mcp/pkg/scoring"
	"github.com/axiom-mcp/axiom-mcp/pkg/signals"
)

// agentView holds the facts an instance learns about its agent beyond the
// raw screen: the profile's reading of the screen, tool calls from the session
// transcript or the output stream, and the agent's own verdict on its task.
// Its fields are guarded by Instance.mu.
type agentView struct {
	obs            profile.Observation
	waitingSince   time.Time
	completed      string // the reason the task counts as done; "" while it does not
	completedAt    time.Time
	agentError     string // the reason the agent's own report fails the attempt
	apiError       string // the latest model API error in the transcript
	tools          map[claudecode.Kind]int
	newTools       map[scoring.ToolKind]int // tool calls since the last scoring tick
	upstream       *scoring.Upstream        // an upstream failure not yet given to the tracker
	keysSent       bool                     // the driver typed into the agent since the last tick
	verdict        scoring.Verdict          // the verdict of the last tick
	signal         string                   // the signal behind verdict
	lastUpstream   *scoring.Upstream        // the latest failure of the model API
	lastUpstreamAt time.Time
	killUpstream   *scoring.Upstream // the failure behind a kill-upstream verdict
	turns          int
	queue          claudecode.QueueOps // operations on the CLI's queue of typed prompts
	records        int                 // transcript records read, after those skipped at a resume
	// historyShown is true while a resumed instance shows the earlier turns
	// of its session and its prompt is not submitted yet.
	historyShown bool
	// history contains the screen lines at the submit of a resumed
	// instance's prompt: the earlier turns, whose error lines are old.
	history    map[string]bool
	result     *claudecode.Result
	retries    int
	answered   []string  // dialogs answered automatically, in order
	notes      []string  // warnings for the pool to publish
	intervened time.Time // the last intervention by a client
}

// AgentResult is the outcome an agent reported for its task.
type AgentResult struct {
	IsError           bool     `json:"is_error"`
	Subtype           string   `json:"subtype,omitempty"`
	APIErrorStatus    int      `json:"api_error_status,omitempty"`
	Text              string   `json:"text,omitempty"`
	NumTurns          int      `json:"num_turns"`
	PermissionDenials []string `json:"permission_denials,omitempty"`
}

// resultPreview bounds the result text kept for status output.
const resultPreview = 500

func agentResult(r *claudecode.Result) *AgentResult {
	if r == nil {
		return nil
	}
	out := &AgentResult{IsError: r.IsError, Subtype: r.Subtype, APIErrorStatus: r.APIErrorStatus,
		Text: truncate(r.Text, resultPreview), NumTurns: r.NumTurns}
	for _, d := range r.PermissionDenials {
		out.PermissionDenials = append(out.PermissionDenials, d.ToolName)
	}
	return out
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}

// observe records the profile's reading of the screen and moves the
// instance state with it. It reports whether the state changed.
func (i *Instance) observe(obs profile.Observation) bool {
	now := i.cfg.Now()
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.state.Ended() {
		return false
	}
	before := i.state
	prev := i.view.obs
	i.view.obs = obs
	next := i.state
	switch obs.State {
	case profile.StateReady:
		next = StateReady
	case profile.StateWorking:
		next = StateWorking
	case profile.StateWaitingInput:
		next = StateWaitingInput
	case profile.StateTurnFinished:
		if i.state.Waiting() {
			next = StateWorking // the question was answered and the turn went on
		}
	case profile.StateDialog:
		if i.stuckDialog(obs) {
			next = StateDialog
		}
	}
	if i.view.completed != "" {
		next = StateTurnFinished
	}
	i.enterLocked(next, now)
	if obs.State == profile.StateWaitingInput && (prev.State != obs.State || prev.Question != obs.Question) {
		i.view.notes = append(i.view.notes, "waiting for input: "+questionText(obs))
		i.log.Info("agent asks a question", zap.String("question", obs.Question))
	}
	return i.state != before
}

// enterLocked moves the instance to state next. The next sample carries the
// change of a waiting state, and the tracker restarts its idle clock then.
func (i *Instance) enterLocked(next InstanceState, now time.Time) {
	// The scoring tick decides when a working agent is idle and when it
	// works again; a busy screen alone does not end idleness.
	if next == i.state || (i.state == StateIdle && next == StateWorking) {
		return
	}
	if next.Waiting() && !i.state.Waiting() {
		i.view.waitingSince = now
	}
	i.state = next
}

// stuckDialog reports whether the driver gave up on the dialog shown.
func (i *Instance) stuckDialog(obs profile.Observation) bool {
	return obs.Dialog != nil && i.stuckDialogs[obs.Dialog.Name]
}

func questionText(obs profile.Observation) string {
	if obs.Question != "" {
		return obs.Question
	}
	return "a question on screen (see screen_tail)"
}

// reportStuckDialog records that the agent is held by a dialog the driver
// cannot answer.
func (i *Instance) reportStuckDialog(dlg *profile.Dialog, answers int) {
	msg := stuckDialogMessage(dlg, answers)
	i.log.Warn("agent held by a dialog", zap.String("dialog", dlg.Name), zap.Int("answers", answers))
	now := i.cfg.Now()
	i.mu.Lock()
	defer i.mu.Unlock()
	i.stuckDialogs[dlg.Name] = true
	i.view.notes = append(i.view.notes, msg)
	if !i.state.Ended() {
		i.enterLocked(StateDialog, now)
	}
}

// noteDialogAnswered records an automatic answer. It is not a client's
// intervention, so it starts no grace period. The next sample counts it as
// activity.
func (i *Instance) noteDialogAnswered(name string) {
	i.log.Info("answered a startup dialog", zap.String("dialog", name))
	i.noteKeysSent()
	i.mu.Lock()
	defer i.mu.Unlock()
	i.view.answered = append(i.view.answered, name)
}

// noteIntervention records a client's input as activity and marks for the
// driver that the agent's turn may have changed.
func (i *Instance) noteIntervention(now time.Time) {
	i.noteInput(now)
	i.mu.Lock()
	defer i.mu.Unlock()
	i.view.intervened = now
}

// lastIntervention returns the time of the last intervention.
func (i *Instance) lastIntervention() time.Time {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.view.intervened
}

// markCompleted records that the agent finished its turn. A turn whose
// last model request failed ends on the error message, so it fails the
// attempt instead of completing the task.
func (i *Instance) markCompleted(reason string) {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.killReason != "" {
		return // a kill decided before the turn ended wins
	}
	if i.view.apiError != "" {
		i.view.agentError = "the turn ended on a model API error: " + i.view.apiError
		i.log.Info("agent turn ended on an API error", zap.String("error", i.view.apiError))
		return
	}
	if i.view.completed == "" {
		i.view.completed, i.view.completedAt = reason, i.cfg.Now()
		i.log.Info("agent finished its task", zap.String("reason", reason))
	}
	if !i.state.Ended() {
		i.state = StateTurnFinished
	}
}

// pollTranscript reads new records of the session transcript.
func (i *Instance) pollTranscript() {
	if i.transcriptLog == nil {
		return
	}
	update, err := i.transcriptLog.Poll()
	if err != nil {
		i.log.Debug("read session transcript failed", zap.Error(err))
		return
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	i.addToolsLocked(update.Tools)
	i.view.turns += update.TurnsFinished
	i.view.queue.Add(update.Queue)
	i.view.records += update.Records
	for _, msg := range update.APIErrors {
		if i.view.historyShown {
			// A resumed session whose prompt is not submitted yet has sent
			// no request, so the error belongs to the earlier run.
			i.log.Debug("API error record before the resumed prompt ignored", zap.String("error", truncate(msg, 300)))
			continue
		}
		i.view.apiError = truncate(msg, 300)
		i.view.notes = append(i.view.notes, "model API error: "+i.view.apiError)
		i.noteUpstreamLocked(signals.FromText(msg, i.cfg.Now()))
	}
}

// takeStream applies what the output stream reported since the last tick.
func (i *Instance) takeStream() {
	if i.stream == nil {
		return
	}
	update := i.stream.Take()
	result, hasResult := i.stream.Result()
	i.mu.Lock()
	defer i.mu.Unlock()
	i.addToolsLocked(update.Tools)
	for _, r := range update.Retries {
		i.view.retries++
		i.noteUpstreamLocked(signals.FromRetry(r, i.cfg.Now()))
		i.view.notes = append(i.view.notes, fmt.Sprintf("model API returned %d; the agent retries "+
			"(attempt %d of %d, in %s)", r.ErrorStatus, r.Attempt, r.MaxRetries, r.RetryDelay))
	}
	if hasResult && i.view.result == nil {
		i.view.result = result
		i.notesForResultLocked(result)
	}
}

func (i *Instance) notesForResultLocked(r *claudecode.Result) {
	if len(r.PermissionDenials) > 0 {
		names := make([]string, 0, len(r.PermissionDenials))
		for _, d := range r.PermissionDenials {
			names = append(names, d.ToolName)
		}
		i.view.notes = append(i.view.notes, fmt.Sprintf("the agent was denied %d tool calls (%s): "+
			"use a permission mode that allows them", len(names), strings.Join(names, ", ")))
	}
	if r.IsError {
		i.noteUpstreamLocked(signals.FromText(r.Text, i.cfg.Now()))
		i.view.agentError = "the agent reported an error: " + truncate(r.Text, 300)
		i.view.notes = append(i.view.notes, i.view.agentError)
	} else if i.killReason == "" {
		i.view.completed, i.view.completedAt = "result received", i.cfg.Now()
	}
}

func (i *Instance) addToolsLocked(tools []claudecode.ToolUse) {
	for _, tool := range tools {
		i.view.tools[tool.Kind]++
		i.view.newTools[scoring.ToolKind(tool.Kind)]++
	}
}

// transcriptRecords returns the transcript records read so far.
func (i *Instance) transcriptRecords() int {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.view.records
}

// noteHistory records, at the submit of a resumed instance's prompt, the
// lines on screen, which show the earlier turns of the session.
func (i *Instance) noteHistory(lines []string) {
	i.mu.Lock()
	defer i.mu.Unlock()
	if !i.view.historyShown {
		return
	}
	i.view.historyShown = false
	i.view.history = make(map[string]bool, len(lines))
	for _, line := range lines {
		i.view.history[line] = true
	}
}

// typedQueue returns the operations on the CLI's queue of prompts typed
// during a turn, as the transcript shows them.
func (i *Instance) typedQueue() claudecode.QueueOps {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.view.queue
}

// turnsFinished returns the finished turns seen in the transcript.
func (i *Instance) turnsFinished() int {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.view.turns
}

// toolsSeen returns the tool calls seen so far.
func (i *Instance) toolsSeen() int {
	i.mu.Lock()
	defer i.mu.Unlock()
	total := 0
	for _, n := range i.view.tools {
		total += n
	}
	return total
}

// takeNotes returns and clears the warnings waiting to be published.
func (i *Instance) takeNotes() []string {
	i.mu.Lock()
	defer i.mu.Unlock()
	notes := i.view.notes
	i.view.notes = nil
	return notes
}

// lingering reports whether a non-interactive agent reported its result
// but has not exited within the close wait, so it must be ended.
func (i *Instance) lingering(now time.Time) bool {
	if i.cfg.Launch.prof.Interactive() {
		return false
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.view.completed != "" && now.Sub(i.view.completedAt) >= closeWait
}

// noteKeysSent records that the driver typed into the agent, which counts
// as activity at the next tick.
func (i *Instance) noteKeysSent() {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.view.keysSent = true
}

// verdictChanged records the verdict of res and the signal behind it, and
// reports whether either differs from the one before. So a warning is sent
// once per stretch of warnings rather than every tick, and again when the
// intervention grace turns a kill into a warning.
func (i *Instance) verdictChanged(res scoring.Result) bool {
	i.mu.Lock()
	defer i.mu.Unlock()
	changed := res.Verdict != i.view.verdict || res.Signal != i.view.signal
	i.view.verdict, i.view.signal = res.Verdict, res.Signal
	return changed
}
