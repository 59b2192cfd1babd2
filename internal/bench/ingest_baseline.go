package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"

	"github.com/creack/pty"
)

// ingestReadSize is the size of each read from the PTY master, the same as
// the pool's output reader uses, so both sides make the same system calls.
const ingestReadSize = 32 << 10

// drainFlood runs the test agent with prompt in a PTY of the pool's default
// size in dir and reads its output into io.Discard until the agent has
// exited and closed the terminal. It returns the times the agent recorded
// in timesFile, a path relative to dir.
func drainFlood(ctx context.Context, agent, dir, prompt, timesFile string) (floodTimes, error) {
	cmd := exec.Command(agent, prompt)
	cmd.Dir = dir
	master, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: ingestCols, Rows: ingestRows})
	if err != nil {
		return floodTimes{}, fmt.Errorf("start test agent %s in a PTY: %w", agent, err)
	}
	defer master.Close()
	// Closing the master ends the read below when ctx ends first; the agent
	// then dies of SIGKILL, not of the hang-up it may never notice.
	stop := context.AfterFunc(ctx, func() {
		_ = cmd.Process.Kill()
		_ = master.Close()
	})
	defer stop()

	readErr := discardOutput(master)
	waitErr := cmd.Wait()
	if ctx.Err() != nil {
		return floodTimes{}, fmt.Errorf("drain the flood: %w", ctx.Err())
	}
	if readErr != nil {
		return floodTimes{}, fmt.Errorf("read the flood from the PTY master: %w", readErr)
	}
	if waitErr != nil {
		return floodTimes{}, fmt.Errorf("test agent %q in %s failed: %w", prompt, dir, waitErr)
	}
	return readFloodTimes(filepath.Join(dir, timesFile))
}

// discardOutput reads r into io.Discard until the terminal closes. Linux
// reports the closed slave side of a PTY as EIO, which is the normal end.
func discardOutput(r io.Reader) error {
	buf := make([]byte, ingestReadSize)
	for {
		n, err := r.Read(buf)
		_, _ = io.Discard.Write(buf[:n])
		switch {
		case err == nil:
		case errors.Is(err, syscall.EIO), errors.Is(err, io.EOF):
			return nil
		default:
			return err
		}
	}
}

// readFloodTimes reads and parses the agent's timestamp file.
func readFloodTimes(path string) (floodTimes, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return floodTimes{}, fmt.Errorf("read the agent's timestamps: %w", err)
	}
	times, _, err := parseFloodTimes(data)
	if err != nil {
		return floodTimes{}, fmt.Errorf("parse %s: %w", path, err)
	}
	return times, nil
}
