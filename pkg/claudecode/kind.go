package claudecode

// Kind is the kind of work a tool call does, for scoring.
type Kind string

// Tool kinds.
const (
	// KindCode is a change to a file: Write, Edit, MultiEdit, NotebookEdit.
	KindCode Kind = "code"
	// KindRun is a shell command or its background job: Bash, PowerShell,
	// BashOutput, KillShell, KillBash, and TaskOutput and TaskStop, the names
	// that replace BashOutput and KillShell in Claude Code 2.1.197.
	KindRun Kind = "run"
	// KindResearch is reading files or the web: Read, Grep, Glob, LS,
	// WebFetch, WebSearch.
	KindResearch Kind = "research"
	// KindPlanning is to-do list and plan work: TodoWrite, and TaskCreate,
	// TaskUpdate, TaskGet and TaskList, the task list that replaces TodoWrite
	// in Claude Code 2.1.197, and EnterPlanMode and ExitPlanMode.
	KindPlanning Kind = "planning"
	// KindOther is every other tool: Task (subagents), Skill, MCP tools and
	// names this package does not know.
	KindOther Kind = "other"
)

// toolKinds maps the built-in tool names of Claude Code to their kinds.
var toolKinds = map[string]Kind{
	"Write":        KindCode,
	"Edit":         KindCode,
	"MultiEdit":    KindCode,
	"NotebookEdit": KindCode,
	"Bash":         KindRun,
	"PowerShell":   KindRun,
	"BashOutput":   KindRun,
	"KillShell":    KindRun,
	"KillBash":     KindRun,
	// NOTE: TaskOutput and TaskStop also read and stop background subagents,
	// which are not shell commands, but the call does not say which it is.
	"TaskOutput":    KindRun,
	"TaskStop":      KindRun,
	"Read":          KindResearch,
	"Grep":          KindResearch,
	"Glob":          KindResearch,
	"LS":            KindResearch,
	"WebFetch":      KindResearch,
	"WebSearch":     KindResearch,
	"TodoWrite":     KindPlanning,
	"TaskCreate":    KindPlanning,
	"TaskUpdate":    KindPlanning,
	"TaskGet":       KindPlanning,
	"TaskList":      KindPlanning,
	"EnterPlanMode": KindPlanning,
	"ExitPlanMode":  KindPlanning,
}

// ToolKind returns the kind of the tool named name. Names are case-sensitive,
// as the CLI sends them, and unknown names are KindOther.
func ToolKind(name string) Kind {
	if kind, ok := toolKinds[name]; ok {
		return kind
	}
	return KindOther
}

// ToolUse is one tool call seen in a transcript or a stream.
type ToolUse struct {
	// ID is the tool_use block id, such as "toolu_01…".
	ID string
	// Name is the tool name, such as "Write" or "mcp__server__tool".
	Name string
	// Kind is ToolKind(Name), except that a Bash call that only reads files,
	// such as grep or ls, is KindResearch.
	Kind Kind
	// Path is the file_path, notebook_path or path input, or "" when the
	// call has none.
	Path string
}
