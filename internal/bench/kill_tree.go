package bench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/axiom-mcp/axiom-mcp/pkg/proctree"
)

// procEnded reports whether the process that key names no longer runs: its
// pid is gone, belongs to a newer process, or is a zombie. A zombie has
// exited and only waits for its parent to read its status.
func procEnded(key proctree.Key) bool {
	proc, err := proctree.Read(key.PID)
	return err != nil || proc.Start != key.Start || proc.State == 'Z'
}

// treeKeys returns the live processes of the agent led by leader: the
// leader, the members of its session and process group, and every
// descendant of any of them.
func treeKeys(leader int) ([]proctree.Key, error) {
	table, err := proctree.Scan()
	if err != nil {
		return nil, fmt.Errorf("list the processes of agent %d: %w", leader, err)
	}
	var keys []proctree.Key
	for _, proc := range table.LiveMembers(leader) {
		keys = append(keys, proc.Key())
	}
	return keys, nil
}

// keyOf returns the key of pid from keys, or false when keys lacks it.
func keyOf(keys []proctree.Key, pid int) (proctree.Key, bool) {
	for _, key := range keys {
		if key.PID == pid {
			return key, true
		}
	}
	return proctree.Key{}, false
}

// waitEnded polls /proc every interval until every process of keys has
// ended, and returns when each was first seen ended, in the order of keys.
// It returns ctx's error when ctx ends first.
func waitEnded(ctx context.Context, keys []proctree.Key, interval time.Duration) ([]time.Time, error) {
	endedAt := make([]time.Time, len(keys))
	left := len(keys)
	for {
		now := time.Now()
		for n, key := range keys {
			if endedAt[n].IsZero() && procEnded(key) {
				endedAt[n] = now
				left--
			}
		}
		if left == 0 {
			return endedAt, nil
		}
		select {
		case <-ctx.Done():
			return endedAt, fmt.Errorf("%d of %d processes still run: %w", left, len(keys), ctx.Err())
		case <-time.After(interval):
		}
	}
}

// latest returns the latest of times.
func latest(times []time.Time) time.Time {
	var last time.Time
	for _, t := range times {
		if t.After(last) {
			last = t
		}
	}
	return last
}

// signalIgnored reports whether pid ignores sig, from the SigIgn mask in
// /proc/PID/status, where bit N-1 is signal N.
func signalIgnored(pid int, sig syscall.Signal) (bool, error) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return false, fmt.Errorf("read the signal masks of pid %d: %w", pid, err)
	}
	mask := procField(data, "SigIgn", ":")
	if mask == "" {
		return false, fmt.Errorf("no SigIgn line in /proc/%d/status", pid)
	}
	bits, err := strconv.ParseUint(mask, 16, 64)
	if err != nil {
		return false, fmt.Errorf("SigIgn %q of pid %d is not a hexadecimal mask: %w", mask, pid, err)
	}
	return bits&(1<<(uint(sig)-1)) != 0, nil
}

// readPIDFile reads a pid written as decimal digits, as the test agent
// writes its children's pids.
func readPIDFile(path string) (int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, fmt.Errorf("read pid file: %w", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil || pid < 1 {
		return 0, fmt.Errorf("pid file %s contains %q, which is not a valid pid", path, data)
	}
	return pid, nil
}

// errNotYet is the error a poll condition returns before its state is reached.
var errNotYet = errors.New("not yet")

// pollUntil calls check every interval until it returns nil, or returns
// its last error once timeout passes or ctx ends. The error names what.
func pollUntil(ctx context.Context, timeout, interval time.Duration, what string, check func() error) error {
	deadline := time.Now().Add(timeout)
	for {
		err := check()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: timed out after %s: %w", what, timeout, err)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s: %w", what, ctx.Err())
		case <-time.After(interval):
		}
	}
}
