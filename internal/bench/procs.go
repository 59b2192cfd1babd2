package bench

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// leftoverGrace is how long processes under a directory may take to vanish
// after their server exited, before killLeftovers kills them.
const leftoverGrace = 2 * time.Second

// processesUnder returns the pids of the processes whose working directory
// is dir or lies below it. Processes whose /proc entries cannot be read,
// such as zombies and other users' processes, are left out.
func processesUnder(dir string) []int {
	// The kernel reports working directories with symbolic links resolved.
	if resolved, err := filepath.EvalSymlinks(dir); err == nil {
		dir = resolved
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var pids []int
	for _, entry := range entries {
		pid, err := strconv.Atoi(entry.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		cwd, err := os.Readlink(filepath.Join("/proc", entry.Name(), "cwd"))
		if err != nil {
			continue
		}
		if cwd == dir || strings.HasPrefix(cwd, dir+string(filepath.Separator)) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// killLeftovers waits up to leftoverGrace for the processes under dir to
// end, then sends SIGKILL to those left and returns an error naming them.
func killLeftovers(dir string) error {
	deadline := time.Now().Add(leftoverGrace)
	left := processesUnder(dir)
	for len(left) > 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		left = processesUnder(dir)
	}
	if len(left) == 0 {
		return nil
	}
	var errs []error
	for _, pid := range left {
		if err := syscall.Kill(pid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
			errs = append(errs, fmt.Errorf("kill pid %d: %w", pid, err))
		}
	}
	return errors.Join(append([]error{fmt.Errorf("processes %v were still running under %s after the server "+
		"exited, so they were killed", left, dir)}, errs...)...)
}
