package executor

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"sync"
	"syscall"
	"time"

	"go.uber.org/zap"

	"github.com/axiom-mcp/axiom-mcp/pkg/claudecode"
	"github.com/axiom-mcp/axiom-mcp/pkg/proctree"
	"github.com/axiom-mcp/axiom-mcp/pkg/scoring"
	"github.com/axiom-mcp/axiom-mcp/pkg/screen"
	"github.com/axiom-mcp/axiom-mcp/pkg/signals"
	"github.com/axiom-mcp/axiom-mcp/pkg/watch"
)

// instanceConfig is everything one instance needs to start.
type instanceConfig struct {
	ID, TaskID      string
	Attempt         int
	Start           startSpec
	Launch          launch
	Prompt          string
	SessionID       string
	ResumedFrom     string // the session the instance continues (then equal to SessionID), or ""
	ConfigDir       string // the Claude Code config directory, for the session transcript
	KillGrace       time.Duration
	TranscriptBytes int
	// FloodBytes is the output per floodWindow that starts flood mode;
	// zero means floodEnterBytes.
	FloodBytes int
	// TranscriptDir is the instance's directory for its transcript files.
	TranscriptDir string
	// TranscriptMax is the cap of each transcript file in bytes.
	TranscriptMax int64
	DrainWindow   time.Duration
	Thresholds    scoring.Thresholds
	Weights       scoring.Weights
	Now           func() time.Time
	Logger        *zap.Logger
	// OnState is called from the driver's goroutine when its reading of
	// the screen moved the instance to another state.
	OnState func(*Instance)
	// OnEnd is called once, from the instance's own goroutine, after the
	// process is reaped and every goroutine of the instance has stopped.
	OnEnd func(*Instance)
}

// Instance is one attempt at a task: one agent process in its own
// pseudo-terminal and session, with a rendered screen, a bounded transcript
// and a watcher on its workspace.
type Instance struct {
	id, taskID string
	attempt    int
	workspace  string
	cfg        instanceConfig
	log        *zap.Logger

	cmd           *exec.Cmd
	master        *os.File
	pid           int
	pidStart      uint64 // start time of pid in clock ticks since boot, 0 if unknown
	releaseThread func() // ends the OS thread that started cmd, after cmd is reaped
	screen        *screen.Screen
	transcript    *transcript
	text          *textLog        // the transcript as plain text, for clients to read
	disk          *diskTranscript // nil when the transcript files could not be created
	flood         floodTail       // used by the reader goroutine only
	watcher       *watch.Watcher
	input         *inputWriter
	stream        *claudecode.Stream     // set for stream-json profiles
	transcriptLog *claudecode.Transcript // set for profiles with a session transcript

	cancel     context.CancelFunc
	wg         sync.WaitGroup
	readerDone chan struct{}
	exited     chan struct{} // closed when the leader process has exited
	done       chan struct{} // closed when everything has ended

	// publishMu orders the state changes the driver and the pool's tick
	// publish for this instance, so a client never sees them reversed.
	publishMu    sync.Mutex
	mu           sync.Mutex
	state        InstanceState
	startedAt    time.Time
	endedAt      time.Time
	reaped       bool
	exitCode     int
	killReason   string
	forced       bool
	leftovers    []int
	tracked      map[proctree.Key]bool
	tracker      *scoring.Tracker
	result       scoring.Result
	signals      *signals.Reader // the observation of the previous tick
	files        watch.Snapshot
	view         agentView
	stuckDialogs map[string]bool

	// prevOutput is the transcript total at the last tick, guarded by mu.
	prevOutput int64
}

// startInstance starts the agent process and the goroutines that watch it.
func startInstance(cfg instanceConfig) (*Instance, error) {
	watcher, err := watch.New(cfg.Start.Dir, watch.Options{Logger: cfg.Logger})
	if err != nil {
		return nil, fmt.Errorf("watch workspace %s: %w", cfg.Start.Dir, err)
	}
	cmd, master, release, err := startWithDeathSignal(cfg.Start)
	if err != nil {
		_ = watcher.Close()
		return nil, err
	}
	if err := raiseOOMScore(cmd.Process.Pid); err != nil {
		cfg.Logger.Warn("the agent keeps the server's OOM score", zap.String("instance", cfg.ID), zap.Error(err))
	}
	now := cfg.Now()
	inst := &Instance{
		id: cfg.ID, taskID: cfg.TaskID, attempt: cfg.Attempt, workspace: cfg.Start.Dir,
		cfg: cfg, log: cfg.Logger.With(zap.String("instance", cfg.ID), zap.String("task", cfg.TaskID)),
		cmd: cmd, master: master, pid: cmd.Process.Pid, releaseThread: release,
		transcript:   newTranscript(cfg.TranscriptBytes),
		text:         newTextLog(cfg.TranscriptBytes),
		flood:        floodTail{enter: cmp.Or(cfg.FloodBytes, floodEnterBytes)},
		watcher:      watcher,
		readerDone:   make(chan struct{}),
		exited:       make(chan struct{}),
		done:         make(chan struct{}),
		state:        StateStarting,
		startedAt:    now,
		tracked:      make(map[proctree.Key]bool),
		tracker:      scoring.NewTracker(cfg.Thresholds, now),
		view:         agentView{tools: make(map[claudecode.Kind]int), newTools: make(map[scoring.ToolKind]int)},
		stuckDialogs: make(map[string]bool),
		signals:      signals.NewReader(cfg.Launch.prof),
	}
	if cfg.Launch.prof.Output == "stream-json" {
		inst.stream = claudecode.NewStream()
	}
	if cfg.Launch.prof.Transcript == "claude" && cfg.SessionID != "" {
		inst.transcriptLog = claudecode.NewTranscript(cfg.ConfigDir, cfg.SessionID)
	}
	if cfg.ResumedFrom != "" {
		inst.startResumed()
	}
	inst.screen = screen.New(screen.Options{
		Cols: cfg.Start.Cols, Rows: cfg.Start.Rows,
		MaxPending: screenMaxPending,
		Replies:    inst.writeReply,
	})
	inst.input = newInputWriter(master)
	inst.openDiskTranscript()
	inst.recordProcess(now)
	inst.run()
	inst.log.Info("instance started", zap.Int("pid", inst.pid), zap.Int("attempt", inst.attempt),
		zap.String("workspace", inst.workspace), zap.String("program", cfg.Start.Argv[0]))
	return inst, nil
}

func (i *Instance) run() {
	ctx, cancel := context.WithCancel(context.Background())
	i.cancel = cancel
	i.wg.Add(4)
	if i.cfg.Launch.prof.Interactive() {
		i.wg.Add(1)
		go func() { defer i.wg.Done(); newDriver(i).run(ctx) }()
	}
	go func() { defer i.wg.Done(); i.screen.Run(ctx) }()
	go func() {
		defer i.wg.Done()
		if err := i.watcher.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
			i.log.Warn("workspace watcher stopped", zap.Error(err))
		}
	}()
	go func() { defer i.wg.Done(); i.input.run(ctx) }()
	if i.disk != nil {
		i.wg.Add(1)
		go func() { defer i.wg.Done(); i.disk.run(ctx) }()
	}
	go func() { defer i.wg.Done(); i.readOutput() }()
	go i.supervise()
}

// readOutput drains the PTY master into the transcript, its plain text and
// the screen. It does no rendering itself, so a flooding agent is never
// slowed down by the emulator. On Linux the read fails with EIO once every
// slave descriptor is closed: that is the normal end of output.
func (i *Instance) readOutput() {
	defer close(i.readerDone)
	buf := make([]byte, 32*1024)
	for {
		n, err := i.master.Read(buf)
		if n > 0 {
			i.ingest(buf[:n], time.Now())
		}
		if err != nil && i.flood.active() && isFloodPause(err) {
			i.endFlood()
			continue
		}
		if err != nil {
			i.endFlood()
			if !isEndOfOutput(err) {
				i.log.Warn("read from terminal failed", zap.Error(err))
			}
			return
		}
	}
}

func isEndOfOutput(err error) bool {
	return errors.Is(err, syscall.EIO) || errors.Is(err, os.ErrClosed) || errors.Is(err, io.EOF)
}

// markOutput moves a non-interactive agent from starting to working once it
// writes; an interactive agent's state comes from its profile instead.
func (i *Instance) markOutput() {
	if i.cfg.Launch.prof.Interactive() {
		return
	}
	i.mu.Lock()
	if i.state == StateStarting {
		i.state = StateWorking
	}
	i.mu.Unlock()
}

// writeReply forwards the emulator's replies to terminal queries to the
// agent, as a real terminal would.
func (i *Instance) writeReply(p []byte) {
	i.input.enqueue(append([]byte(nil), p...))
}

// supervise waits for the leader to exit, ends what it left behind, reaps it
// and stops every goroutine of the instance.
func (i *Instance) supervise() {
	if err := waitExited(i.pid); err != nil {
		i.log.Error("wait for agent failed", zap.Error(err))
	}
	close(i.exited)

	select {
	case <-i.readerDone:
	case <-time.After(i.cfg.DrainWindow):
		// A process that still holds the terminal keeps the output open.
	}
	i.endLeftovers()
	_ = i.master.Close()
	<-i.readerDone

	i.mu.Lock()
	i.reaped = true
	i.mu.Unlock()
	_ = i.cmd.Wait()
	i.releaseThread()

	flushCtx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	_ = i.screen.Flush(flushCtx)
	cancel()
	i.finish()
}

// endLeftovers terminates what the agent left running in its group, its
// session and its process tree: first politely, then by force.
func (i *Instance) endLeftovers() {
	i.mu.Lock()
	tracked := make(map[proctree.Key]bool, len(i.tracked))
	for k := range i.tracked {
		tracked[k] = true
	}
	i.mu.Unlock()

	mark := markOf(i.pid, i.pidStart, i.id)
	signalled := signalLeftovers(mark, tracked, syscall.SIGTERM)
	if len(signalled) == 0 {
		return
	}
	pids := make([]int, 0, len(signalled))
	for _, proc := range signalled {
		pids = append(pids, proc.PID)
	}
	i.log.Info("ending processes the agent left running", zap.Ints("pids", pids))
	waitGone(signalled, time.Second)
	// A killed process is gone only once the kernel has torn it down, which
	// takes a moment on a busy machine, so the task ends after that.
	waitGone(signalLeftovers(mark, tracked, syscall.SIGKILL), time.Second)
	i.mu.Lock()
	i.addLeftoversLocked(pids)
	i.mu.Unlock()
}

// addLeftoversLocked records pids as ended leftovers, each once. The
// caller holds i.mu.
func (i *Instance) addLeftoversLocked(pids []int) {
	for _, pid := range pids {
		if !slices.Contains(i.leftovers, pid) {
			i.leftovers = append(i.leftovers, pid)
		}
	}
}

// waitGone waits up to limit until none of procs runs any more.
func waitGone(procs []proctree.Proc, limit time.Duration) {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) && anyAlive(procs) {
		time.Sleep(10 * time.Millisecond)
	}
}

func anyAlive(procs []proctree.Proc) bool {
	for _, proc := range procs {
		if current, err := proctree.Read(proc.PID); err == nil && current.Start == proc.Start && current.State != 'Z' {
			return true
		}
	}
	return false
}

func (i *Instance) finish() {
	i.cancel()
	i.input.close()
	i.wg.Wait()
	i.pollTranscript()
	i.takeStream()
	_ = i.watcher.Close()
	_ = i.screen.Close()
	// The output is complete once the reader has stopped.
	i.transcript.shrink()
	i.text.ring.shrink()

	code := exitCode(i.cmd)
	i.mu.Lock()
	i.exitCode = code
	i.endedAt = i.cfg.Now()
	i.files = i.watcher.Snapshot()
	if i.killReason != "" {
		i.state = StateKilled
	} else {
		i.state = StateExited
	}
	i.mu.Unlock()
	i.log.Info("instance ended", zap.Int("exit_code", code), zap.String("kill_reason", i.killReason),
		zap.Int64("output_bytes", i.transcript.Total()), zap.Int64("transcript_dropped_bytes", i.diskDropped()))
	// The pool settles the task before done closes, so a caller of Kill
	// reads the task's new state.
	if i.cfg.OnEnd != nil {
		i.cfg.OnEnd(i)
	}
	close(i.done)
}

// Kill ends the instance: SIGTERM to its process group and to every other
// process of its tree, up to grace for the agent to exit, then SIGKILL to
// the same processes. Processes it left in its session or tree after that
// are ended too. The first reason given is kept. Kill returns once the
// instance has ended, or after grace plus a bound if the process cannot be
// reaped; forced is true when SIGKILL was needed.
func (i *Instance) Kill(reason string, grace time.Duration) (forced bool) {
	i.mu.Lock()
	if i.killReason == "" && !i.reaped {
		i.killReason = reason
	}
	i.mu.Unlock()
	// Processes the agent started in sessions of their own leave its tree
	// when it dies, so they are recorded now and signalled with the agent.
	// A child that holds the terminal would otherwise keep the instance
	// open for the drain window before it is ended.
	i.trackTree()

	i.signalTree(syscall.SIGTERM)
	select {
	case <-i.exited:
	case <-time.After(grace):
		forced = true
		i.signalTree(syscall.SIGKILL)
		i.mu.Lock()
		i.forced = true
		i.mu.Unlock()
	}
	select {
	case <-i.done:
	case <-time.After(grace + 5*time.Second):
		i.log.Error("instance did not end after SIGKILL", zap.Int("pid", i.pid))
	}
	return forced
}

// signal sends sig to the instance's process group, unless the leader has
// been reaped: after that its pid may belong to an unrelated process.
func (i *Instance) signal(sig syscall.Signal) {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.reaped {
		return
	}
	if err := signalGroup(i.pid, sig); err != nil {
		i.log.Warn("signal agent group failed", zap.Error(err))
	}
}

// signalTree sends sig to the instance's process group and to the tracked
// processes outside it, which it records as leftovers the kill ended.
func (i *Instance) signalTree(sig syscall.Signal) {
	i.signal(sig)
	i.mu.Lock()
	tracked := make(map[proctree.Key]bool, len(i.tracked))
	for key := range i.tracked {
		tracked[key] = true
	}
	i.mu.Unlock()
	signalled := signalOutsideGroup(i.pid, tracked, sig)
	if len(signalled) == 0 {
		return
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	i.addLeftoversLocked(signalled)
}

// Done returns a channel closed when the instance has ended.
func (i *Instance) Done() <-chan struct{} { return i.done }

// ID returns the instance id.
func (i *Instance) ID() string { return i.id }

// TaskID returns the id of the task this instance works on.
func (i *Instance) TaskID() string { return i.taskID }

// trackTree records the instance's current processes, so that they can be
// ended after the leader is gone.
func (i *Instance) trackTree() {
	table, err := proctree.Scan()
	if err != nil {
		i.log.Warn("scan processes failed", zap.Error(err))
		return
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.reaped {
		return
	}
	for _, proc := range table.Members(i.pid) {
		i.tracked[proc.Key()] = true
	}
}
