package bench

import (
	"context"
	"fmt"
	"time"

	"github.com/axiom-mcp/axiom-mcp/pkg/proctree"
)

// cpuUsage is the CPU time of one process, read from /proc/PID/stat.
type cpuUsage struct {
	// Own is the process's utime+stime (fields 14 and 15), over all its
	// threads.
	Own time.Duration
	// Children is cutime+cstime (fields 16 and 17): the CPU time of the
	// children the process has waited for, each including the CPU time of
	// the children that it waited for in turn.
	Children time.Duration
}

// readCPUUsage reads the CPU time of the live process pid.
func readCPUUsage(pid int) (cpuUsage, error) {
	proc, err := proctree.Read(pid)
	if err != nil {
		return cpuUsage{}, fmt.Errorf("read the CPU time of pid %d: %w", pid, err)
	}
	return cpuUsage{Own: ticksToDuration(proc.CPUTicks), Children: ticksToDuration(proc.ChildTicks)}, nil
}

// ticksToDuration converts clock ticks of /proc/PID/stat to a duration.
func ticksToDuration(ticks uint64) time.Duration {
	return time.Duration(ticks) * time.Second / proctree.ClockTicks
}

// childrenOf returns the processes whose parent is pid, zombies included,
// because a zombie's CPU time reaches the parent's cutime and cstime only
// when the parent reaps it.
func childrenOf(pid int) ([]proctree.Proc, error) {
	table, err := proctree.Scan()
	if err != nil {
		return nil, err
	}
	var children []proctree.Proc
	for _, proc := range table {
		if proc.PPID == pid {
			children = append(children, proc)
		}
	}
	return children, nil
}

// waitChildrenReaped polls until pid has no child process left, live or
// zombie, or ctx ends.
func waitChildrenReaped(ctx context.Context, pid int) error {
	ticker := time.NewTicker(100 * time.Millisecond)
	defer ticker.Stop()
	for {
		children, err := childrenOf(pid)
		if err != nil {
			return err
		}
		if len(children) == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("pid %d still has %d child processes (first: pid %d %q, state %c): %w",
				pid, len(children), children[0].PID, children[0].Comm, children[0].State, ctx.Err())
		case <-ticker.C:
		}
	}
}
