package workspace

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// workingDir is a process and the directory it works in.
type workingDir struct {
	pid  int
	name string // the process's command name, from /proc/PID/comm
	dir  string
}

// workingDirs returns the working directory of every process whose
// /proc/PID/cwd can be read. Processes of other users cannot be read
// unless the caller is root, so they are missing.
func workingDirs() []workingDir {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var dirs []workingDir
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		proc := filepath.Join("/proc", e.Name())
		dir, err := os.Readlink(filepath.Join(proc, "cwd"))
		if err != nil {
			continue
		}
		comm, _ := os.ReadFile(filepath.Join(proc, "comm"))
		dirs = append(dirs, workingDir{pid: pid, name: strings.TrimSpace(string(comm)), dir: dir})
	}
	return dirs
}

// usedBy returns the reason to keep path when a process of dirs works in
// path or below it, or "". The kernel reports working directories with
// symbolic links resolved, so path is resolved too.
func usedBy(dirs []workingDir, path string) string {
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	var users []string
	for _, d := range dirs {
		if d.dir == path || strings.HasPrefix(d.dir, path+string(filepath.Separator)) {
			users = append(users, fmt.Sprintf("%d (%s)", d.pid, d.name))
		}
	}
	switch len(users) {
	case 0:
		return ""
	case 1:
		return "in use: process " + users[0] + " works in it; stop it, or the task's server, first"
	}
	return fmt.Sprintf("in use: %d processes work in it, %s; stop them, or the task's server, first",
		len(users), strings.Join(users, ", "))
}
