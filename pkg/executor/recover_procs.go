package executor

import (
	"os"
	"strconv"
	"syscall"
	"time"

	"github.com/axiom-mcp/axiom-mcp/pkg/proctree"
	"github.com/axiom-mcp/axiom-mcp/pkg/store"
)

// instanceEnvKey is the environment variable that names an agent's
// instance. Agents and the processes they start inherit it, so it
// identifies an attempt's processes after the server that started them
// is gone.
const instanceEnvKey = "AXIOM_INSTANCE_ID"

// leftovers are the live processes of one recorded attempt.
type leftovers struct {
	procs []proctree.Proc
	// pidReused is true when the recorded pid now belongs to a process
	// with another start time, which is never touched.
	pidReused bool
}

// findLeftovers returns the live processes of attempt a in table. While
// the recorded agent lives with its recorded start time, its session,
// group and tree belong to the attempt. A process whose environment names
// the instance and that started no earlier than the agent belongs to it
// too, and so do the descendants of all these. The current process and
// pid 1 are never returned.
func findLeftovers(table proctree.Table, a store.Attempt, environ func(pid int) []byte) leftovers {
	var found leftovers
	roots := make(map[int]bool)
	if a.PID > 0 {
		if proc, ok := table[a.PID]; ok && proc.State != 'Z' {
			if proc.Start == a.PIDStart {
				for _, member := range table.Members(a.PID) {
					roots[member.PID] = true
				}
			} else {
				found.pidReused = true
			}
		}
	}
	for pid := range taggedTrees(table, markOf(a.PID, a.PIDStart, a.InstanceID), environ) {
		roots[pid] = true
	}
	for pid := range descendants(table, roots) {
		if pid == os.Getpid() || pid == 1 || table[pid].State == 'Z' {
			continue
		}
		found.procs = append(found.procs, table[pid])
	}
	return found
}

// descendants returns roots and every process below them by parent pid.
func descendants(table proctree.Table, roots map[int]bool) map[int]bool {
	children := make(map[int][]int, len(table))
	for pid, proc := range table {
		children[proc.PPID] = append(children[proc.PPID], pid)
	}
	all := make(map[int]bool, len(roots))
	queue := make([]int, 0, len(roots))
	for pid := range roots {
		all[pid] = true
		queue = append(queue, pid)
	}
	for len(queue) > 0 {
		pid := queue[0]
		queue = queue[1:]
		for _, child := range children[pid] {
			if !all[child] {
				all[child] = true
				queue = append(queue, child)
			}
		}
	}
	return all
}

// readEnviron returns the environment of pid as NUL-separated entries
// with a final NUL, or nil when it cannot be read, as for processes of
// other users.
func readEnviron(pid int) []byte {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/environ")
	if err != nil || len(data) == 0 {
		return nil
	}
	if data[len(data)-1] != 0 {
		data = append(data, 0)
	}
	return data
}

// endProcesses sends SIGTERM to procs, waits up to grace for them to
// exit, then sends SIGKILL to those left. Each signal goes only to a
// process whose pid still has the same start time, so a pid reused in
// the meantime is never signalled. It returns the pids that needed
// SIGKILL.
func endProcesses(procs []proctree.Proc, grace time.Duration) (forced []int) {
	signalAlive(procs, syscall.SIGTERM)
	deadline := time.Now().Add(grace)
	for time.Now().Before(deadline) && anyAlive(procs) {
		time.Sleep(50 * time.Millisecond)
	}
	for _, proc := range signalAlive(procs, syscall.SIGKILL) {
		forced = append(forced, proc.PID)
	}
	return forced
}

// signalAlive sends sig to each process of procs that still runs with
// its recorded start time, and returns those signalled.
func signalAlive(procs []proctree.Proc, sig syscall.Signal) []proctree.Proc {
	var signalled []proctree.Proc
	for _, proc := range procs {
		current, err := proctree.Read(proc.PID)
		if err != nil || current.Start != proc.Start || current.State == 'Z' {
			continue
		}
		if syscall.Kill(proc.PID, sig) == nil {
			if sig != syscall.SIGKILL {
				_ = syscall.Kill(proc.PID, syscall.SIGCONT)
			}
			signalled = append(signalled, proc)
		}
	}
	return signalled
}
