package executor

import (
	"fmt"
	"os"
	"syscall"
)

// pollableFile returns a copy of the PTY master that the Go runtime polls,
// and closes the original. creack/pty v1.1.24 calls Fd on the master to set
// the window size, which switches the descriptor to blocking mode. A
// blocking write to an agent that never reads its input then stays in the
// write system call even after Close, and so does the goroutine making it.
// With a polled descriptor, Close makes a pending Read or Write return
// os.ErrClosed.
func pollableFile(master *os.File) (*os.File, error) {
	fd, err := syscall.Dup(int(master.Fd()))
	if err != nil {
		return nil, fmt.Errorf("duplicate PTY master %s (too many open files?): %w", master.Name(), err)
	}
	// The duplicate shares the open file description, so this also clears
	// the blocking mode that Fd set on the original.
	if err := syscall.SetNonblock(fd, true); err != nil {
		_ = syscall.Close(fd)
		return nil, fmt.Errorf("set PTY master %s non-blocking: %w", master.Name(), err)
	}
	// NewFile registers a non-blocking descriptor with the runtime poller.
	pollable := os.NewFile(uintptr(fd), master.Name())
	_ = master.Close()
	return pollable, nil
}
