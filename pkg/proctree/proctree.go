// Package proctree reads the Linux process table from /proc and finds the
// processes that belong to one agent: its process group, its session and
// every descendant, identified by pid and start time so that a recycled pid
// is never mistaken for a tracked process.
package proctree

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Proc is one process as read from /proc/PID/stat.
type Proc struct {
	// Comm is the command name, at most 15 bytes, as the kernel keeps it.
	Comm  string
	PID   int
	PPID  int
	PGID  int
	SID   int
	State byte
	// Start is the start time in clock ticks since boot; with PID it
	// identifies a process uniquely.
	Start uint64
	// CPUTicks is user plus system time in clock ticks.
	CPUTicks uint64
	// ChildTicks is the user plus system time of the process's children
	// that it has waited for, in clock ticks.
	ChildTicks uint64
}

// Key identifies a process across pid reuse.
type Key struct {
	PID   int
	Start uint64
}

// Key returns the identity of p.
func (p Proc) Key() Key { return Key{PID: p.PID, Start: p.Start} }

// Table is a snapshot of every process, by pid.
type Table map[int]Proc

// Scan reads every process from /proc. Processes that end while the scan
// runs are skipped.
func Scan() (Table, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, fmt.Errorf("read /proc: %w", err)
	}
	table := make(Table, len(entries))
	for _, entry := range entries {
		pid, err := strconv.Atoi(entry.Name())
		if err != nil {
			continue
		}
		proc, err := Read(pid)
		if err != nil {
			continue
		}
		table[pid] = proc
	}
	return table, nil
}

// Read reads one process from /proc/PID/stat.
func Read(pid int) (Proc, error) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return Proc{}, fmt.Errorf("read stat of pid %d: %w", pid, err)
	}
	return parseStat(pid, data)
}

// parseStat parses the stat line. The command name is in parentheses and
// may itself contain spaces and parentheses, so fields are counted from the
// last closing parenthesis.
func parseStat(pid int, data []byte) (Proc, error) {
	end := bytes.LastIndexByte(data, ')')
	if end < 0 || end+2 >= len(data) {
		return Proc{}, fmt.Errorf("parse stat of pid %d: no command field", pid)
	}
	fields := strings.Fields(string(data[end+2:]))
	// fields[0] is field 3 (state) of proc(5); start time is field 22.
	if len(fields) < 20 {
		return Proc{}, fmt.Errorf("parse stat of pid %d: %d fields", pid, len(fields))
	}
	nums := make([]uint64, len(fields))
	for i := 1; i < 20; i++ {
		n, err := strconv.ParseInt(fields[i], 10, 64)
		if err != nil {
			return Proc{}, fmt.Errorf("parse stat of pid %d field %d: %w", pid, i+3, err)
		}
		if n > 0 {
			nums[i] = uint64(n)
		}
	}
	comm := ""
	if open := bytes.IndexByte(data, '('); open >= 0 && open < end {
		comm = string(data[open+1 : end])
	}
	return Proc{
		Comm:       comm,
		PID:        pid,
		State:      fields[0][0],
		PPID:       int(nums[1]),
		PGID:       int(nums[2]),
		SID:        int(nums[3]),
		CPUTicks:   nums[11] + nums[12],
		ChildTicks: nums[13] + nums[14],
		Start:      nums[19],
	}, nil
}

// Members returns the processes that belong to the agent whose session and
// group leader is leader: members of its session or process group, and every
// descendant of any of them by parent pid. The leader itself is included when
// it is still in the table.
func (t Table) Members(leader int) []Proc {
	children := make(map[int][]int, len(t))
	for pid, proc := range t {
		children[proc.PPID] = append(children[proc.PPID], pid)
	}
	seen := make(map[int]bool)
	var queue []int
	for pid, proc := range t {
		if pid == leader || proc.SID == leader || proc.PGID == leader {
			seen[pid] = true
			queue = append(queue, pid)
		}
	}
	for len(queue) > 0 {
		pid := queue[0]
		queue = queue[1:]
		for _, child := range children[pid] {
			if !seen[child] {
				seen[child] = true
				queue = append(queue, child)
			}
		}
	}
	members := make([]Proc, 0, len(seen))
	for pid := range seen {
		members = append(members, t[pid])
	}
	return members
}

// Alive reports whether the process identified by key still runs and is
// not a zombie.
func (t Table) Alive(key Key) bool {
	proc, ok := t[key.PID]
	return ok && proc.Start == key.Start && proc.State != 'Z'
}

// CPUTicks sums the CPU time of procs in clock ticks.
func CPUTicks(procs []Proc) uint64 {
	var total uint64
	for _, proc := range procs {
		total += proc.CPUTicks
	}
	return total
}

// LiveMembers returns Members(leader) without zombies.
func (t Table) LiveMembers(leader int) []Proc {
	var live []Proc
	for _, proc := range t.Members(leader) {
		if proc.State != 'Z' {
			live = append(live, proc)
		}
	}
	return live
}

// ClockTicks is the unit of the CPU times in /proc/PID/stat: USER_HZ, which
// is 100 on every Linux architecture Go supports.
const ClockTicks = 100

// DescendantCPU returns the CPU time, in clock ticks, that the processes of
// the agent led by leader have used apart from the leader's own. It sums the
// live members other than the leader with their waited-for children, and
// the children the leader has waited for. A build that the agent started shows
// up here, while the agent redrawing its own screen does not.
func (t Table) DescendantCPU(leader int) uint64 {
	var total uint64
	for _, proc := range t.LiveMembers(leader) {
		if proc.PID == leader {
			total += proc.ChildTicks
			continue
		}
		total += proc.CPUTicks + proc.ChildTicks
	}
	return total
}
