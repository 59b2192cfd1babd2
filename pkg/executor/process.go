package executor

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"

	"github.com/axiom-mcp/axiom-mcp/pkg/agent"
	"github.com/axiom-mcp/axiom-mcp/pkg/proctree"
)

// startSpec says how to start one agent process.
type startSpec struct {
	Argv       []string
	Env        []string
	Dir        string
	Stdin      agent.Stdin
	Cols, Rows int
}

// startInPTY starts the agent as the leader of a new session whose
// controlling terminal is a new pseudo-terminal of the given size. The size
// is set before exec, so the agent never starts on a 0x0 terminal. The returned
// file is the PTY master; the parent's copy of the slave is already closed.
func startInPTY(spec startSpec) (*exec.Cmd, *os.File, error) {
	program, err := lookPath(spec.Argv[0], spec.Env)
	if err != nil {
		return nil, nil, err
	}
	cmd := exec.Command(program, spec.Argv[1:]...)
	cmd.Args[0] = spec.Argv[0]
	cmd.Dir = spec.Dir
	cmd.Env = spec.Env
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: parentDeathSignal}
	if spec.Stdin == agent.StdinNull {
		devNull, err := os.Open(os.DevNull)
		if err != nil {
			return nil, nil, fmt.Errorf("open %s for the agent's stdin: %w", os.DevNull, err)
		}
		defer devNull.Close()
		cmd.Stdin = devNull
		// The controlling terminal is taken from the child's stdout (fd 1)
		// because its stdin is not a terminal.
		cmd.SysProcAttr.Ctty = 1
	}
	size := &pty.Winsize{Cols: uint16(spec.Cols), Rows: uint16(spec.Rows)}
	master, err := pty.StartWithSize(cmd, size)
	if err != nil {
		return nil, nil, fmt.Errorf("start %q in a pseudo-terminal: %w", spec.Argv[0], err)
	}
	pollable, err := pollableFile(master)
	if err != nil {
		_ = master.Close()
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return nil, nil, err
	}
	return cmd, pollable, nil
}

// waitExited blocks until the process exits, without reaping it. While the
// leader stays a zombie its pid, and so its process group and session ids,
// cannot be reused, which makes signalling the group safe.
func waitExited(pid int) error {
	for {
		var info unix.Siginfo
		err := unix.Waitid(unix.P_PID, pid, &info, unix.WEXITED|unix.WNOWAIT, nil)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return fmt.Errorf("wait for pid %d: %w", pid, err)
		}
		return nil
	}
}

// signalGroup sends sig to the process group led by pgid and resumes the
// group so that a stopped process can act on the signal. A group that has
// no members left is not an error.
func signalGroup(pgid int, sig syscall.Signal) error {
	err := syscall.Kill(-pgid, sig)
	if errors.Is(err, syscall.ESRCH) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("send %s to process group %d: %w", sig, pgid, err)
	}
	if sig != syscall.SIGKILL {
		_ = syscall.Kill(-pgid, syscall.SIGCONT)
	}
	return nil
}

// agentMark identifies the processes of one ended agent.
type agentMark struct {
	leader int    // pid of the agent, leader of its session and group
	start  uint64 // start time of the agent in clock ticks since boot, 0 if unknown
	// tag is the environment entry, with its final NUL, that names the
	// instance. It is the only link to a process that left the agent's
	// session and lost its parent before a tick recorded it.
	tag []byte
}

// markOf returns the mark of instance id whose agent is leader.
func markOf(leader int, start uint64, id string) agentMark {
	return agentMark{leader: leader, start: start, tag: []byte(instanceEnvKey + "=" + id + "\x00")}
}

// signalLeftovers sends sig to every live process of the ended agent except
// the leader: the tracked ones, the members of its session, group and tree,
// and the processes that mark's tag finds. It returns the processes signalled.
func signalLeftovers(mark agentMark, tracked map[proctree.Key]bool, sig syscall.Signal) []proctree.Proc {
	table, err := proctree.Scan()
	if err != nil {
		return nil
	}
	targets := make(map[int]proctree.Proc)
	for _, proc := range table.Members(mark.leader) {
		targets[proc.PID] = proc
	}
	for key := range tracked {
		if table.Alive(key) {
			targets[key.PID] = table[key.PID]
		}
	}
	for pid := range taggedTrees(table, mark, readEnviron) {
		targets[pid] = table[pid]
	}
	var signalled []proctree.Proc
	for pid, proc := range targets {
		if pid == mark.leader || pid == os.Getpid() || pid == 1 || proc.State == 'Z' {
			continue
		}
		if syscall.Kill(pid, sig) == nil {
			if sig != syscall.SIGKILL {
				_ = syscall.Kill(pid, syscall.SIGCONT)
			}
			signalled = append(signalled, proc)
		}
	}
	return signalled
}

// taggedTrees returns the live processes of table that started no earlier
// than the agent and whose environment contains mark's tag, with their
// descendants.
func taggedTrees(table proctree.Table, mark agentMark, environ func(pid int) []byte) map[int]bool {
	roots := make(map[int]bool)
	for pid, proc := range table {
		if proc.State == 'Z' || proc.Start < mark.start {
			continue
		}
		if bytes.Contains(environ(pid), mark.tag) {
			roots[pid] = true
		}
	}
	if len(roots) == 0 {
		return roots
	}
	return descendants(table, roots)
}

// signalOutsideGroup sends sig to every process of tracked that still runs
// and is not in the process group led by leader, which signalGroup reaches.
// A process counts only while its pid has the tracked start time, so a
// reused pid is left alone. It returns the pids signalled.
func signalOutsideGroup(leader int, tracked map[proctree.Key]bool, sig syscall.Signal) []int {
	var signalled []int
	for key := range tracked {
		proc, err := proctree.Read(key.PID)
		if err != nil || proc.Start != key.Start || proc.State == 'Z' || proc.PGID == leader {
			continue
		}
		if syscall.Kill(key.PID, sig) != nil {
			continue
		}
		if sig != syscall.SIGKILL {
			_ = syscall.Kill(key.PID, syscall.SIGCONT)
		}
		signalled = append(signalled, key.PID)
	}
	return signalled
}

// exitCode returns the exit code of a reaped command, or 128 plus the signal
// number when a signal ended it, as shells report it.
func exitCode(cmd *exec.Cmd) int {
	state := cmd.ProcessState
	if state == nil {
		return -1
	}
	if status, ok := state.Sys().(syscall.WaitStatus); ok && status.Signaled() {
		return 128 + int(status.Signal())
	}
	return state.ExitCode()
}

// lookPath finds a program without a slash in its name in the PATH of the
// agent's environment, as a shell started with that environment would, and
// falls back to the server's own PATH.
func lookPath(program string, env []string) (string, error) {
	if strings.Contains(program, "/") {
		return program, nil
	}
	path := ""
	for _, kv := range env {
		if value, ok := strings.CutPrefix(kv, "PATH="); ok {
			path = value // the last entry wins, as in exec.Cmd
		}
	}
	for _, dir := range filepath.SplitList(path) {
		if dir == "" {
			continue
		}
		candidate := filepath.Join(dir, program)
		if info, err := os.Stat(candidate); err == nil && info.Mode().IsRegular() && info.Mode()&0o111 != 0 {
			return candidate, nil
		}
	}
	found, err := exec.LookPath(program)
	if err != nil {
		return "", fmt.Errorf("agent program %q is not on PATH: install it, or give its full path in "+
			"the agent command or profile", program)
	}
	return found, nil
}
