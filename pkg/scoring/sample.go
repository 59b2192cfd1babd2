package scoring

import "time"

// ToolKind is the kind of work a tool call does.
type ToolKind string

// Tool kinds, from most to least productive.
const (
	// ToolCode is a call that changes a file, such as Write or Edit.
	ToolCode ToolKind = "code"
	// ToolRun is a call that runs a command, such as Bash.
	ToolRun ToolKind = "run"
	// ToolResearch is a call that reads files or the web, such as Read,
	// Grep or WebFetch.
	ToolResearch ToolKind = "research"
	// ToolPlanning is a call that edits a to-do list or a plan, such as
	// TodoWrite.
	ToolPlanning ToolKind = "planning"
	// ToolOther is every other call, such as a subagent or an MCP tool.
	// Kinds this package does not know count as ToolOther.
	ToolOther ToolKind = "other"
)

// AgentState is the state of the agent as its profile reads it from the
// screen.
type AgentState string

// Agent states.
const (
	// StateUnknown means the caller cannot tell the state, so the tracker
	// keeps the last known state.
	StateUnknown AgentState = ""
	// StateStarting is the agent before its first prompt.
	StateStarting AgentState = "starting"
	// StateReady is the agent at its prompt before any work.
	StateReady AgentState = "ready"
	// StateWorking is the agent at work on a turn.
	StateWorking AgentState = "working"
	// StateWaitingInput is the agent waiting for an answer to a question.
	StateWaitingInput AgentState = "waiting_input"
	// StateDialog is the agent showing a dialog, such as a permission
	// request.
	StateDialog AgentState = "dialog"
	// StateTurnFinished is the agent after it finished its turn.
	StateTurnFinished AgentState = "turn_finished"
	// StateExited is the agent after its process ended.
	StateExited AgentState = "exited"
)

// waiting reports whether the agent waits for someone to answer.
func (s AgentState) waiting() bool { return s == StateWaitingInput || s == StateDialog }

// UpstreamKind is the kind of an error returned by the model API.
type UpstreamKind string

// Upstream error kinds.
const (
	// UpstreamRateLimited is HTTP 429.
	UpstreamRateLimited UpstreamKind = "rate_limited"
	// UpstreamOverloaded is HTTP 529.
	UpstreamOverloaded UpstreamKind = "overloaded"
	// UpstreamAuthFailed is HTTP 401.
	UpstreamAuthFailed UpstreamKind = "auth_failed"
	// UpstreamUsageLimit is a plan's usage limit, usually with a reset time.
	UpstreamUsageLimit UpstreamKind = "usage_limit"
	// UpstreamPromptTooLong is a prompt over the model's context size.
	UpstreamPromptTooLong UpstreamKind = "prompt_too_long"
)

// Upstream is an error returned by the model API, as the agent shows it.
type Upstream struct {
	Kind UpstreamKind `json:"kind"`
	// Status is the HTTP status, or 0 when the agent does not show it.
	Status int `json:"status,omitempty"`
	// ResetAt is when a usage limit ends, or the zero time when unknown.
	ResetAt time.Time `json:"reset_at,omitzero"`
	// Message is the error text as the agent shows it.
	Message string `json:"message,omitempty"`
}

// Sample contains the measurements of an instance since the previous sample.
// Negative counts count as 0.
type Sample struct {
	At time.Time
	// ChangedLines counts meaningful screen lines that changed. The caller
	// leaves out spinner frames, counters and the footer.
	ChangedLines int
	// OutputBytes counts the bytes the agent wrote to its terminal. Output
	// without a changed line is no activity, but a kill reason then
	// reports that the screen redrew the same lines.
	OutputBytes int64
	// FilesCreated, FilesModified and FilesDeleted count source-file events
	// in the workspace. The caller leaves out temporary and ignored files.
	FilesCreated  int
	FilesModified int
	FilesDeleted  int
	// Tools counts the tool calls since the previous sample by kind.
	Tools map[ToolKind]int
	// ToolUses counts tool calls of unknown kind. It counts as
	// Tools[ToolOther], and only when Tools is nil.
	ToolUses int
	// CPU is the CPU time the agent's descendants used since the previous
	// sample. The agent's own CPU, spent redrawing its screen, is left out.
	CPU time.Duration
	// Interval is the time since the previous sample, which turns CPU into
	// a share of one core. Zero means 1 s.
	Interval time.Duration
	// State is the agent's state as its profile reads the screen.
	State AgentState
	// Thinking is true when a progress indicator advanced: a timer or a
	// token count rose while the model works.
	Thinking bool
	// Upstream is an upstream error seen in this sample, or nil.
	Upstream *Upstream
	// Input is true when a client typed into the instance.
	Input bool
	// Answered is true when the server itself typed into the instance, such
	// as the answer to a startup dialog. It is activity, but it is no
	// client's intervention and starts no grace period.
	Answered bool
}

// toolCounts contains tool calls by kind.
type toolCounts struct {
	code, run, research, planning, other int
}

func (c *toolCounts) add(kind ToolKind, n int) {
	switch kind {
	case ToolCode:
		c.code += n
	case ToolRun:
		c.run += n
	case ToolResearch:
		c.research += n
	case ToolPlanning:
		c.planning += n
	default:
		c.other += n
	}
}

func (c *toolCounts) addAll(o toolCounts) {
	c.code += o.code
	c.run += o.run
	c.research += o.research
	c.planning += o.planning
	c.other += o.other
}

func (c toolCounts) total() int { return c.code + c.run + c.research + c.planning + c.other }

func (s Sample) toolCalls() toolCounts {
	var calls toolCounts
	if s.Tools == nil {
		calls.other = max(0, s.ToolUses)
		return calls
	}
	for kind, n := range s.Tools {
		calls.add(kind, max(0, n))
	}
	return calls
}

func (s Sample) fileEvents() int {
	return max(0, s.FilesCreated) + max(0, s.FilesModified) + max(0, s.FilesDeleted)
}

// cpuShare returns the CPU time per second of the sample's interval: 1.0
// is one core busy all the time.
func (s Sample) cpuShare() float64 {
	return s.CPU.Seconds() / s.interval().Seconds()
}

// interval returns the time the sample covers: Interval, or 1 s when unset.
func (s Sample) interval() time.Duration {
	if s.Interval <= 0 {
		return time.Second
	}
	return s.Interval
}
