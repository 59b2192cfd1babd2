package executor

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
	"time"

	"github.com/axiom-mcp/axiom-mcp/pkg/proctree"
)

// parentDeathSignal is the signal Linux sends the agent when the thread that
// started it ends, which includes every way the server can die. SIGKILL is
// used because a server that died cannot wait out a grace period, and an
// agent may ignore SIGTERM.
//
// Only the agent process gets it: the kernel clears the setting in its
// children. When the agent dies, the kernel hangs up its terminal and sends
// SIGHUP to the terminal's foreground process group, which ends the agent's
// children there unless they ignore SIGHUP. Children that ignore SIGHUP or
// moved to a session of their own keep running after a crash. process.json
// records the agent's pid and start time, so a restarted server can tell
// whether the agent itself still runs.
const parentDeathSignal = syscall.SIGKILL

// processFileName is the file in an instance's transcript directory that
// records the agent's pid and start time.
const processFileName = "process.json"

// startResult is the outcome of a start on the locked goroutine.
type startResult struct {
	cmd    *exec.Cmd
	master *os.File
	err    error
}

// startWithDeathSignal starts the agent in its PTY with the parent-death
// signal set, from a goroutine locked to its OS thread. Linux sends the
// signal when the thread that forked the child exits, not the process, and
// the Go runtime ends a thread whose locked goroutine returns. So the
// goroutine stays locked and alive until release is called after the child
// is reaped; no other goroutine runs on that thread meanwhile. A watchdog
// process would need its own lifecycle and pids to track, and nothing inside
// the server itself survives a SIGKILL of the server, so the kernel does it.
func startWithDeathSignal(spec startSpec) (cmd *exec.Cmd, master *os.File, release func(), err error) {
	results := make(chan startResult, 1)
	released := make(chan struct{})
	go func() {
		runtime.LockOSThread()
		// No UnlockOSThread: the thread ends with this goroutine, so no
		// other goroutine can run on it and end it early.
		cmd, master, err := startInPTY(spec)
		results <- startResult{cmd: cmd, master: master, err: err}
		if err != nil {
			return
		}
		<-released
	}()
	res := <-results
	if res.err != nil {
		return nil, nil, nil, res.err
	}
	return res.cmd, res.master, func() { close(released) }, nil
}

// processRecord is the content of process.json.
type processRecord struct {
	PID int `json:"pid"`
	// Start is the start time in clock ticks since boot, from
	// /proc/PID/stat; a process with the same pid and start is the agent.
	Start      uint64    `json:"start"`
	ServerPID  int       `json:"server_pid"`
	InstanceID string    `json:"instance_id"`
	TaskID     string    `json:"task_id"`
	Workspace  string    `json:"workspace"`
	StartedAt  time.Time `json:"started_at"`
}

// processStart returns the start time of pid in clock ticks since boot.
func processStart(pid int) (uint64, error) {
	proc, err := proctree.Read(pid)
	if err != nil {
		return 0, fmt.Errorf("read start time of pid %d: %w", pid, err)
	}
	return proc.Start, nil
}

// writeProcessRecord writes rec as process.json in dir.
func writeProcessRecord(dir string, rec processRecord) error {
	data, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return fmt.Errorf("encode process record of pid %d: %w", rec.PID, err)
	}
	path := filepath.Join(dir, processFileName)
	if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("write process record %s: %w", path, err)
	}
	return nil
}
