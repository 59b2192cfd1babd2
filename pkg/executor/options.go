package executor

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"go.uber.org/zap"

	"github.com/axiom-mcp/axiom-mcp/pkg/agent"
	"github.com/axiom-mcp/axiom-mcp/pkg/profile"
	"github.com/axiom-mcp/axiom-mcp/pkg/queue"
	"github.com/axiom-mcp/axiom-mcp/pkg/scoring"
	"github.com/axiom-mcp/axiom-mcp/pkg/store"
)

// DefaultTranscriptMax is the default cap of each transcript file: 8 MiB.
const DefaultTranscriptMax = 8 << 20

// minTranscriptMax is the smallest transcript file cap accepted.
const minTranscriptMax = 4096

// MaxInstancesLimit caps the instances a pool may run at once.
const MaxInstancesLimit = 1000

// Options configure a Pool. The zero value of each field means its default.
type Options struct {
	// MaxInstances is how many instances run at once. Zero means 10.
	MaxInstances int
	// WorkspaceRoot is the directory under which each task gets its own
	// workspace. Required.
	WorkspaceRoot string
	// Profiles are the agent profiles tasks may name. Nil means
	// profile.Defaults().
	Profiles *profile.Set
	// Profile names the profile of tasks that name none. Empty means
	// "command" when Agent is set, else "claude".
	Profile string
	// Agent is the command of the "command" profile, which runs any
	// program and counts the task done when it exits.
	Agent agent.Template
	// PermissionMode is the permission mode of tasks that give none, for
	// profiles whose command uses {permission_mode}. Empty means the
	// profile's own default.
	PermissionMode string
	// InputTimeout is how long an instance may wait for an answer to a
	// question or a dialog before it is killed. Zero means 2 minutes.
	InputTimeout time.Duration
	// Env is the environment of every agent. Nil means the server's own.
	Env []string
	// Thresholds are the scoring limits; zero fields take their defaults.
	Thresholds scoring.Thresholds
	// Weights are the points of the score's parts; zero fields take their
	// defaults.
	Weights scoring.Weights
	// MaxAttempts is how many instances a task may use before it fails.
	// Zero means 3.
	MaxAttempts int
	// RetryBackoff is the wait before the next attempt of a task whose
	// attempt failed or was killed. Zero fields mean 5 s doubling to
	// 2 minutes, with random jitter.
	RetryBackoff queue.Backoff
	// KillGrace is the time between SIGTERM and SIGKILL. Zero means 5 s.
	KillGrace time.Duration
	// DrainWindow is how long output is read after the agent exits before
	// the processes it left holding the terminal are ended. Zero means 2 s.
	DrainWindow time.Duration
	// MinFreeMemory is the memory, in bytes, that the machine must have
	// available before an instance starts; while it has less, starts wait.
	// Zero means no check.
	MinFreeMemory int64
	// FreeMemory returns the memory available, in bytes. Nil means
	// ReadMemAvailable.
	FreeMemory func() (int64, error)
	// MaxLoad is the 1-minute load average per core above which starts
	// wait. Zero means no check.
	MaxLoad float64
	// LoadAverage returns the 1-minute load average. Nil means
	// ReadLoadAverage.
	LoadAverage func() (float64, error)
	// TickInterval is how often instances are measured and judged. Zero
	// means 1 s.
	TickInterval time.Duration
	// Cols and Rows are the terminal size. Zero means 120 x 40.
	Cols, Rows int
	// TranscriptBytes is how much recent raw output each instance keeps in
	// memory. Zero means 1 MiB.
	TranscriptBytes int
	// TranscriptDir is the directory under which each instance writes its
	// raw output and its plain text to files, in TASK_ID/INSTANCE_ID/.
	// Empty means a "transcripts" directory beside WorkspaceRoot.
	TranscriptDir string
	// floodBytes is the output per 100 ms that starts flood mode; zero
	// means 4 MiB. Tests lower it so that a slow flood counts.
	floodBytes int
	// TranscriptMax caps each transcript file in bytes. A full file is
	// renamed with a ".1" suffix and a new one started, so an instance keeps
	// at most four files of this size (raw and text, current and rotated).
	// Zero means DefaultTranscriptMax.
	TranscriptMax int64
	// Now is the clock. Nil means time.Now.
	Now func() time.Time
	// Logger receives the pool's logs. Nil means no logs.
	Logger *zap.Logger
	// QuietEvents logs pool events at debug level whatever their own
	// level. Callers that print every event themselves, such as a command
	// line runner, set it so that the log does not repeat them.
	QuietEvents bool
	// EventLog stores every event the pool publishes. Nil means an
	// in-memory log of the last EventLogSize events.
	EventLog EventLog
	// EventLogSize is how many events the default in-memory log keeps.
	// Zero means DefaultEventLogSize.
	EventLogSize int
	// Store records every task, attempt and score for crash recovery;
	// give EventLog a StoreLog on the same store to record the events too.
	// Nil keeps all state in memory.
	Store *store.Store
	// RunID is the store's record of this server start, from
	// store.StartRun. It is required with Store.
	RunID int64
}

func (o Options) withDefaults() Options {
	if o.MaxInstances == 0 {
		o.MaxInstances = 10
	}
	if o.Profiles == nil {
		o.Profiles = profile.Defaults()
	}
	if o.Profile == "" {
		o.Profile = "claude"
		if o.Agent.Program() != "" {
			o.Profile = CommandProfile
		}
	}
	if o.InputTimeout != 0 && o.Thresholds.InputTimeout == 0 {
		o.Thresholds.InputTimeout = o.InputTimeout
	}
	if o.Env == nil {
		o.Env = os.Environ()
	}
	o.Thresholds = o.Thresholds.WithDefaults()
	o.Weights = o.Weights.WithDefaults()
	o.InputTimeout = o.Thresholds.InputTimeout
	if o.MaxAttempts == 0 {
		o.MaxAttempts = 3
	}
	if o.KillGrace == 0 {
		o.KillGrace = 5 * time.Second
	}
	if o.DrainWindow == 0 {
		o.DrainWindow = 2 * time.Second
	}
	if o.FreeMemory == nil {
		o.FreeMemory = ReadMemAvailable
	}
	if o.LoadAverage == nil {
		o.LoadAverage = ReadLoadAverage
	}
	if o.TickInterval == 0 {
		o.TickInterval = time.Second
	}
	if o.Cols == 0 {
		o.Cols = 120
	}
	if o.Rows == 0 {
		o.Rows = 40
	}
	if o.TranscriptBytes == 0 {
		o.TranscriptBytes = 1 << 20
	}
	if o.TranscriptDir == "" && o.WorkspaceRoot != "" {
		o.TranscriptDir = filepath.Join(filepath.Dir(o.WorkspaceRoot), "transcripts")
	}
	if o.TranscriptMax == 0 {
		o.TranscriptMax = DefaultTranscriptMax
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = zap.NewNop()
	}
	if o.EventLog == nil {
		o.EventLog = NewMemoryLog(o.EventLogSize)
	}
	return o
}

// Check returns the error that New would return for an invalid setting of
// o, without creating anything.
func (o Options) Check() error {
	if err := o.Thresholds.Validate(); err != nil {
		return err
	}
	return o.withDefaults().validate()
}

func (o Options) validate() error {
	switch {
	case o.WorkspaceRoot == "":
		return fmt.Errorf("workspace root is not set: give a directory for the task workspaces")
	case o.MaxInstances < 1 || o.MaxInstances > MaxInstancesLimit:
		return fmt.Errorf("max instances %d is out of range: use 1 to %d", o.MaxInstances, MaxInstancesLimit)
	case o.MaxAttempts < 1 || o.MaxAttempts > MaxAttemptsLimit:
		return fmt.Errorf("max attempts %d is out of range: use 1 to %d", o.MaxAttempts, MaxAttemptsLimit)
	case o.PermissionMode != "" && !validPermissionMode(o.PermissionMode):
		return fmt.Errorf("permission mode %q is unknown: use one of %s", o.PermissionMode, permissionModeList())
	case o.InputTimeout < 0:
		return fmt.Errorf("input timeout %s is negative: use a positive duration such as 2m", o.InputTimeout)
	case o.KillGrace < 0 || o.DrainWindow < 0 || o.TickInterval < 0:
		return fmt.Errorf("durations must not be negative: kill grace %s, drain window %s, tick %s",
			o.KillGrace, o.DrainWindow, o.TickInterval)
	case o.Cols < 20 || o.Rows < 5 || o.Cols > 1000 || o.Rows > 1000:
		return fmt.Errorf("terminal size %dx%d is out of range: use at least 20 columns and 5 rows", o.Cols, o.Rows)
	case o.EventLogSize < 0:
		return fmt.Errorf("event log size %d is negative: use 0 for the default of %d events", o.EventLogSize,
			DefaultEventLogSize)
	case o.Store != nil && o.RunID == 0:
		return fmt.Errorf("a store is given without a run id: record the run with store.StartRun first")
	case o.TranscriptBytes < 1024:
		return fmt.Errorf("transcript size %d is too small: use at least 1024 bytes", o.TranscriptBytes)
	case o.TranscriptMax < minTranscriptMax:
		return fmt.Errorf("transcript file cap %d is too small: use at least %d bytes", o.TranscriptMax,
			minTranscriptMax)
	}
	if _, err := o.Profiles.Lookup(o.Profile); err != nil {
		return fmt.Errorf("default profile: %w", err)
	}
	if err := o.Weights.Validate(); err != nil {
		return err
	}
	return o.Thresholds.Validate()
}
