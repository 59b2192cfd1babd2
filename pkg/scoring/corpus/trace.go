package corpus

import (
	"time"

	"github.com/axiom-mcp/axiom-mcp/pkg/scoring"
)

// Label is the class of behaviour a trace shows.
type Label string

// Labels of behaviour.
const (
	// LabelProductive is an agent that writes code.
	LabelProductive Label = "productive"
	// LabelThinking is a model that thinks for a long time before it writes.
	LabelThinking Label = "thinking"
	// LabelBuilding is a build or test run that uses CPU and prints little.
	LabelBuilding Label = "building"
	// LabelWaiting is an agent that waits for an answer to a question.
	LabelWaiting Label = "waiting"
	// LabelUpstream is an agent held up by errors of the model API.
	LabelUpstream Label = "upstream"
	// LabelDone is an agent that finished its turn.
	LabelDone Label = "done"
	// LabelIdle is an agent that shows no activity at all.
	LabelIdle Label = "idle"
	// LabelStalled is an agent whose response stream stopped mid-turn.
	LabelStalled Label = "stalled"
	// LabelTodoOnly is an agent that only edits its to-do list.
	LabelTodoOnly Label = "todo-only"
	// LabelResearchOnly is an agent that only reads and searches.
	LabelResearchOnly Label = "research-only"
	// LabelChatty is an agent that prints text but changes no file.
	LabelChatty Label = "chatty"
)

// Expect is the verdict a trace expects, written as scoring.Verdict.String
// writes it.
type Expect string

// Expected verdicts.
const (
	// ExpectKeep means the instance is never killed during the trace.
	ExpectKeep Expect = "keep"
	// ExpectKillIdle means the instance is killed as idle in time.
	ExpectKillIdle Expect = "kill-idle"
	// ExpectKillUnproductive means the instance is killed as unproductive
	// in time.
	ExpectKillUnproductive Expect = "kill-unproductive"
	// ExpectKillNoAnswer means the instance is killed for an unanswered
	// question in time.
	ExpectKillNoAnswer Expect = "kill-no-answer"
	// ExpectKillUpstream means the instance is killed in time because the
	// model API kept rejecting its credentials.
	ExpectKillUpstream Expect = "kill-upstream"
	// ExpectDone means the verdict turns to done with no kill before it.
	ExpectDone Expect = "done"
	// ExpectPausedUpstream means the verdict turns to paused-upstream at
	// least once and the instance is never killed.
	ExpectPausedUpstream Expect = "paused-upstream"
)

// allowedExpects lists the expectations each label may have. The targets
// are that productive, thinking and building agents, and waiting agents
// whose question gets a reply in time, are never killed, and that idle,
// stalled, to-do-only, research-only and chatty agents are.
var allowedExpects = map[Label][]Expect{
	LabelProductive:   {ExpectKeep},
	LabelThinking:     {ExpectKeep},
	LabelBuilding:     {ExpectKeep},
	LabelWaiting:      {ExpectKeep, ExpectKillNoAnswer},
	LabelUpstream:     {ExpectKeep, ExpectPausedUpstream, ExpectKillUpstream},
	LabelDone:         {ExpectDone},
	LabelIdle:         {ExpectKillIdle},
	LabelStalled:      {ExpectKillIdle},
	LabelTodoOnly:     {ExpectKillUnproductive},
	LabelResearchOnly: {ExpectKillUnproductive},
	LabelChatty:       {ExpectKillUnproductive},
}

// Verdict returns the scoring verdict that e names.
func (e Expect) Verdict() scoring.Verdict {
	switch e {
	case ExpectKillIdle:
		return scoring.KillIdle
	case ExpectKillUnproductive:
		return scoring.KillUnproductive
	case ExpectKillNoAnswer:
		return scoring.KillNoAnswer
	case ExpectKillUpstream:
		return scoring.KillUpstream
	case ExpectDone:
		return scoring.Done
	case ExpectPausedUpstream:
		return scoring.PausedUpstream
	default:
		return scoring.Keep
	}
}

// Kill reports whether e expects a kill.
func (e Expect) Kill() bool { return e.Verdict().Kill() }

// defaultWithin is the time a kill may come after its threshold when a
// trace does not set within.
const defaultWithin = 5 * time.Second

// Trace is one labelled behaviour: what an instance shows and does over
// time, and the verdict expected for it.
type Trace struct {
	// Name identifies the behaviour, such as steady-coder.
	Name  string `yaml:"name"`
	Label Label  `yaml:"label"`
	// Expect is the expected verdict.
	Expect Expect `yaml:"expect"`
	// Within is how long after its threshold an expected kill may come.
	// Zero means 5 s. It applies only to kills.
	Within time.Duration `yaml:"within"`
	// Duration is the length of the trace, in whole seconds.
	Duration    time.Duration `yaml:"duration"`
	Description string        `yaml:"description"`
	// Profile names the agent profile whose screen rules read the frames.
	// Empty means claude.
	Profile string `yaml:"profile"`
	// Segments describe what the agent does over time, merged as the
	// package documentation explains.
	Segments []Segment `yaml:"events"`
	// File is the path the trace was loaded from, or empty.
	File string `yaml:"-"`
	// lib holds the frames and records the segments name. Nil means the
	// built-in library.
	lib *Library
}

// Segment is what the agent does at the ticks from From to To, once every
// Every. Text fields are templates: {n} is the segment's repeat count from
// 1, {t} the seconds since the start of the trace, and {uuid} a fresh id.
type Segment struct {
	From  time.Duration `yaml:"from"`
	To    time.Duration `yaml:"to"`
	Every time.Duration `yaml:"every"`
	// Screen names the frame the agent shows, a file of the frames
	// library. It stays on screen until another segment names a frame.
	Screen string `yaml:"screen"`
	// Print adds lines to the agent's output, which a frame shows where
	// one of its lines is {log}.
	Print []string `yaml:"print"`
	// Create, Modify and Delete are file events in the workspace, as paths
	// relative to it.
	Create []string `yaml:"create"`
	Modify []string `yaml:"modify"`
	Delete []string `yaml:"delete"`
	// Transcript names records of the records library that the agent
	// appends to its session transcript.
	Transcript []string `yaml:"transcript"`
	// CPU is the CPU time the agent's descendants use per second: 900ms is
	// 90% of a core.
	CPU time.Duration `yaml:"cpu"`
	// Input marks a client that types into the instance.
	Input bool `yaml:"input"`
}

// within returns the trace's Within, or its default when unset.
func (t Trace) within() time.Duration {
	if t.Within <= 0 {
		return defaultWithin
	}
	return t.Within
}

// source names the trace in errors: its file, else its name.
func (t Trace) source() string {
	if t.File != "" {
		return t.File
	}
	if t.Name != "" {
		return "trace " + t.Name
	}
	return "trace"
}
