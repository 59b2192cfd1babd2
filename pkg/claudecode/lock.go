package claudecode

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
	"time"
)

const (
	// lockTimeout bounds the wait for either config lock.
	lockTimeout = 30 * time.Second
	// staleLockAge is when a Claude Code lock directory counts as abandoned:
	// the default stale time of the proper-lockfile package that Claude Code
	// 2.1.197 uses. A live holder refreshes the directory's mtime at half
	// that interval.
	staleLockAge = 10 * time.Second
	// lockPollMax is the longest pause between two lock attempts.
	lockPollMax = 50 * time.Millisecond
)

// lockConfig takes both locks that guard configFile and returns the function
// that releases them.
//
// The first is an flock on "<file>.flock", which serializes writers in this
// and other processes and which the kernel drops when a holder dies. The
// second is the lock that Claude Code 2.1.197 takes around each config write:
// it creates the directory "<file>.lock" with mkdir and removes it when done.
// A regular file at that path would make every Claude Code config write fail
// its lock, so the flock uses another name.
func lockConfig(configFile string) (func(), error) {
	flockFile, err := lockFile(configFile + ".flock")
	if err != nil {
		return nil, err
	}
	lockDir := configFile + ".lock"
	if err := lockDirectory(lockDir); err != nil {
		unlockFile(flockFile)
		return nil, err
	}
	return func() {
		// NOTE: a failed rmdir leaves the directory, which Claude Code and
		// the next Trust treat as stale after staleLockAge.
		_ = os.Remove(lockDir)
		unlockFile(flockFile)
	}, nil
}

// lockFile opens path and takes an exclusive flock on it.
func lockFile(path string) (*os.File, error) {
	file, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open lock file %s: %w", path, err)
	}
	err = retryLock(path, func() (bool, error) {
		err := syscall.Flock(int(file.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return false, nil
		}
		return err == nil, err
	})
	if err != nil {
		_ = file.Close()
		return nil, err
	}
	return file, nil
}

// unlockFile releases the flock by closing the file. The file stays, because
// removing it would let two processes lock different files of the same name.
func unlockFile(file *os.File) {
	_ = file.Close()
}

// lockDirectory creates path as a lock directory, the way Claude Code does.
// It removes a directory that has not been touched for staleLockAge.
func lockDirectory(path string) error {
	return retryLock(path, func() (bool, error) {
		err := os.Mkdir(path, 0o700)
		if err == nil {
			return true, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return false, err
		}
		info, statErr := os.Stat(path)
		if statErr == nil && time.Since(info.ModTime()) > staleLockAge {
			if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return false, fmt.Errorf("remove stale lock: %w", err)
			}
		}
		return false, nil
	})
}

// retryLock calls try until it takes the lock, fails, or lockTimeout passes.
func retryLock(path string, try func() (bool, error)) error {
	deadline := time.Now().Add(lockTimeout)
	pause := time.Millisecond
	for {
		locked, err := try()
		if err != nil {
			return fmt.Errorf("lock %s: %w", path, err)
		}
		if locked {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("lock %s: timed out after %s because another process holds it; "+
				"remove it if no Claude Code or Trust call is running", path, lockTimeout)
		}
		time.Sleep(pause)
		pause = min(2*pause, lockPollMax)
	}
}
