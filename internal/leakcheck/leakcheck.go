// Package leakcheck finds goroutines and file descriptors that a test run
// left open. It compares a snapshot taken before the tests with the state
// after them, waits a short settle time for goroutines and descriptors that
// are still closing, and reports the stacks of the goroutines that remain.
package leakcheck

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// DefaultSettle is how long Check waits for the counts to return to the
// baseline before it reports a leak.
const DefaultSettle = 5 * time.Second

// Snapshot contains the goroutines and open file descriptors of the process
// at one moment.
type Snapshot struct {
	goroutines map[int]goroutine
	fds        map[int]string
}

// Take records the goroutines and file descriptors that exist now.
func Take() (Snapshot, error) {
	if err := startPoller(); err != nil {
		return Snapshot{}, err
	}
	fds, err := openFDs()
	if err != nil {
		return Snapshot{}, err
	}
	return Snapshot{goroutines: goroutines(), fds: fds}, nil
}

// Report lists what a check found beyond the baseline.
type Report struct {
	// Goroutines are the stacks of goroutines started after the baseline.
	Goroutines []string
	// FDs are the descriptors opened after the baseline, as "fd -> target".
	FDs []string
}

// Empty reports whether nothing leaked.
func (r Report) Empty() bool { return len(r.Goroutines) == 0 && len(r.FDs) == 0 }

// String formats the report with one stack or descriptor per paragraph.
func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d goroutine(s) and %d file descriptor(s) leaked", len(r.Goroutines), len(r.FDs))
	for _, fd := range r.FDs {
		fmt.Fprintf(&b, "\nfd %s", fd)
	}
	for _, stack := range r.Goroutines {
		fmt.Fprintf(&b, "\n\n%s", stack)
	}
	return b.String()
}

// Check compares the current state with the baseline until nothing is left
// over or settle has passed, and returns what is still left over then. It
// returns early with the last report when ctx ends.
func (s Snapshot) Check(ctx context.Context, settle time.Duration) (Report, error) {
	deadline := time.Now().Add(settle)
	for {
		report, err := s.diff()
		if err != nil || report.Empty() || time.Now().After(deadline) {
			return report, err
		}
		select {
		case <-ctx.Done():
			return report, nil
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (s Snapshot) diff() (Report, error) {
	var report Report
	for id, g := range goroutines() {
		if _, ok := s.goroutines[id]; !ok && !g.ignored() {
			report.Goroutines = append(report.Goroutines, g.stack)
		}
	}
	fds, err := openFDs()
	if err != nil {
		return report, err
	}
	for fd, target := range fds {
		if before, ok := s.fds[fd]; !ok || before != target {
			report.FDs = append(report.FDs, strconv.Itoa(fd)+" -> "+target)
		}
	}
	sort.Strings(report.Goroutines)
	sort.Strings(report.FDs)
	return report, nil
}

// startPoller makes the Go runtime open its epoll and eventfd descriptors,
// which it does on the first pollable file and keeps for the life of the
// process, so that they are part of the baseline and not reported as leaks.
func startPoller() error {
	r, w, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("open a pipe to start the runtime poller: %w", err)
	}
	_ = r.Close()
	_ = w.Close()
	return nil
}

// openFDs maps each open descriptor of the process to its link target. The
// descriptor that reads /proc/self/fd is closed by the time it returns, so
// it is left out.
func openFDs() (map[int]string, error) {
	dir := "/proc/self/fd"
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("list open file descriptors in %s (needs Linux procfs): %w", dir, err)
	}
	fds := make(map[int]string, len(entries))
	for _, entry := range entries {
		fd, err := strconv.Atoi(entry.Name())
		if err != nil {
			continue
		}
		target, err := os.Readlink(filepath.Join(dir, entry.Name()))
		if err != nil {
			// The descriptor was closed between the listing and the read.
			continue
		}
		fds[fd] = target
	}
	return fds, nil
}
