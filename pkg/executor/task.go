package executor

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/axiom-mcp/axiom-mcp/pkg/agent"
)

// MaxPromptBytes is the largest prompt accepted. The prompt is passed to the
// agent as one command-line argument, and Linux limits one argument to
// 128 KiB (MAX_ARG_STRLEN).
const MaxPromptBytes = 100 * 1024

// MaxAttemptsLimit caps the attempts a task may ask for.
const MaxAttemptsLimit = 20

// TaskSpec is a task as a client submits it.
type TaskSpec struct {
	// Prompt is the instruction handed to the agent. Required.
	Prompt string `json:"prompt" yaml:"prompt"`
	// Name is an optional label, unique in the pool, that other tasks may
	// name in DependsOn.
	Name string `json:"name,omitempty" yaml:"name"`
	// Priority orders ready tasks: higher runs first. Zero is the default;
	// negative values are rejected.
	Priority int `json:"priority,omitempty" yaml:"priority"`
	// DependsOn lists ids or names of tasks that must succeed first.
	DependsOn []string `json:"depends_on,omitempty" yaml:"depends_on"`
	// Owns lists paths the task owns: two tasks whose owned paths overlap never run at the same time.
	Owns []string `json:"owns,omitempty" yaml:"owns"`
	// Workdir names the workspace: a relative path is taken under the
	// workspace root, an absolute path is used as given. An existing
	// directory inside a git work tree gets a new worktree of that
	// repository under the workspace root, on its own branch, and the agent
	// starts in the matching subdirectory. Any other workdir must not exist
	// yet. Empty means a directory named after the task id.
	Workdir string `json:"workdir,omitempty" yaml:"workdir"`
	// MaxAttempts overrides the pool's attempt limit for this task.
	MaxAttempts int `json:"max_attempts,omitempty" yaml:"max_attempts"`
	// Profile names the agent profile that runs the task. Empty means the
	// pool's default profile.
	Profile string `json:"profile,omitempty" yaml:"profile"`
	// PermissionMode is the agent's permission mode, for profiles that take
	// one. Empty means the pool's or the profile's default.
	PermissionMode string `json:"permission_mode,omitempty" yaml:"permission_mode"`
}

// validate checks the fields that need no pool state. index is the task's
// position in the request, for messages.
func (s TaskSpec) validate(index int) error {
	where := taskLabel(index, s)
	switch {
	case strings.TrimSpace(s.Prompt) == "":
		return fmt.Errorf("%s: prompt is empty: give the agent an instruction", where)
	case len(s.Prompt) > MaxPromptBytes:
		return fmt.Errorf("%s: prompt is %d bytes, over the limit of %d bytes, because it is passed "+
			"as one command-line argument: shorten it, or write the details to a file and refer to it",
			where, len(s.Prompt), MaxPromptBytes)
	case !utf8.ValidString(s.Prompt):
		return fmt.Errorf("%s: prompt is not valid UTF-8: send text", where)
	case strings.ContainsRune(s.Prompt, 0):
		return fmt.Errorf("%s: prompt contains a NUL byte, which a command-line argument cannot hold: remove it", where)
	case s.Priority < 0:
		return fmt.Errorf("%s: priority %d is negative: use 0 (the default) or more; higher runs first",
			where, s.Priority)
	case s.MaxAttempts < 0 || s.MaxAttempts > MaxAttemptsLimit:
		return fmt.Errorf("%s: max_attempts %d is out of range: use 1 to %d, or 0 for the server default",
			where, s.MaxAttempts, MaxAttemptsLimit)
	case len(s.Name) > 100 || strings.ContainsAny(s.Name, "\n\r\t"):
		return fmt.Errorf("%s: name must be one line of at most 100 bytes", where)
	case s.PermissionMode != "" && !validPermissionMode(s.PermissionMode):
		return fmt.Errorf("%s: permission_mode %q is unknown: use one of %s", where, s.PermissionMode, permissionModeList())
	}
	return validateWorkdir(where, s.Workdir)
}

// taskLabel names a task of a request in messages: "task 2" for the second,
// with its name when it has one.
func taskLabel(index int, s TaskSpec) string {
	if s.Name != "" {
		return fmt.Sprintf("task %d (%q)", index+1, s.Name)
	}
	return fmt.Sprintf("task %d", index+1)
}

func validateWorkdir(where, dir string) error {
	if dir == "" || filepath.IsAbs(dir) {
		return nil
	}
	clean := filepath.Clean(dir)
	if clean == "." || clean == ".." || strings.HasPrefix(clean, "../") {
		return fmt.Errorf("%s: workdir %q leaves the workspace root: use a relative name such as %q "+
			"or an absolute path", where, dir, "feature-x")
	}
	return nil
}

// task is the pool's record of one task.
type task struct {
	id          string
	spec        TaskSpec
	deps        []string // resolved task ids
	workspace   string
	git         *taskWorktree // nil unless the workdir is an existing directory
	launch      launch
	maxAttempts int
	// notBefore holds the task back after a failed attempt or a failure
	// of the model API.
	notBefore time.Time
	// upstreamRetries counts the attempts that failed on the model API and
	// were not counted.
	upstreamRetries int
	seq             int // submission order, to break priority ties
	state           TaskState
	attempts        int
	instances       []string
	lastError       string
	createdAt       time.Time
	finishedAt      time.Time
	// handoff describes the last attempt that failed or was killed, for
	// the note appended to the prompt of the next one.
	handoff *handoff
	// resumeSession is the session of the last attempt when a failure of
	// the model API ended it, which the next instance continues when its
	// profile resumes sessions.
	resumeSession string
	// nullStdin gives the next attempts /dev/null as stdin, after a
	// headless attempt with the terminal as stdin was stuck at startup.
	nullStdin bool
}

// stdin returns how the next attempt's stdin is connected.
func (t *task) stdin() agent.Stdin {
	if t.nullStdin {
		return agent.StdinNull
	}
	return t.launch.tpl.Stdin
}

// TaskInfo is a snapshot of one task for status output.
type TaskInfo struct {
	ID              string     `json:"id"`
	Name            string     `json:"name,omitempty"`
	State           string     `json:"state"`
	Priority        int        `json:"priority"`
	DependsOn       []string   `json:"depends_on"`
	Owns            []string   `json:"owns,omitempty"`
	Attempts        int        `json:"attempts"`
	MaxAttempts     int        `json:"max_attempts"`
	Instances       []string   `json:"instances"`
	Workspace       string     `json:"workspace"`
	Profile         string     `json:"profile"`
	NotBefore       *time.Time `json:"not_before,omitempty"`
	UpstreamRetries int        `json:"upstream_retries,omitempty"`
	LastError       string     `json:"last_error,omitempty"`
	Prompt          string     `json:"prompt"`
	CreatedAt       time.Time  `json:"created_at"`
	FinishedAt      *time.Time `json:"finished_at,omitempty"`
	// Handoff is the note appended to the prompt of the running or next
	// attempt after an attempt failed or was killed.
	Handoff string `json:"handoff,omitempty"`
	// Branch and Repository are the git branch of the task's worktree and
	// the work tree it was created from; empty without a worktree.
	Branch     string `json:"branch,omitempty"`
	Repository string `json:"repository,omitempty"`
	// ChangedFiles are up to MaxChangedFiles of the files the worktree
	// changed, uncommitted or committed on its branch, and
	// ChangedFileCount is their total.
	ChangedFiles     []string `json:"changed_files,omitempty"`
	ChangedFileCount int      `json:"changed_file_count,omitempty"`
}

// promptPreview bounds the prompt shown in status output.
const promptPreview = 200

func (t *task) info() TaskInfo {
	prompt := t.spec.Prompt
	if len(prompt) > promptPreview {
		cut := promptPreview
		for cut > 0 && !utf8.RuneStart(prompt[cut]) {
			cut--
		}
		prompt = prompt[:cut] + "…"
	}
	info := TaskInfo{
		ID: t.id, Name: t.spec.Name, State: t.state.String(), Priority: t.spec.Priority,
		DependsOn: append([]string{}, t.deps...), Attempts: t.attempts, MaxAttempts: t.maxAttempts,
		Instances: append([]string{}, t.instances...), Workspace: t.workspace, Profile: t.launch.prof.Name,
		LastError: t.lastError, Prompt: prompt, CreatedAt: t.createdAt,
		Owns: append([]string(nil), t.spec.Owns...), Handoff: t.handoffNote(),
	}
	if t.state == TaskQueued && !t.notBefore.IsZero() {
		notBefore := t.notBefore
		info.NotBefore = &notBefore
	}
	info.UpstreamRetries = t.upstreamRetries
	if t.git != nil {
		info.Branch, info.Repository = t.git.tree.Branch, t.git.tree.Repository
	}
	if t.state.Final() {
		finished := t.finishedAt
		info.FinishedAt = &finished
	}
	return info
}
