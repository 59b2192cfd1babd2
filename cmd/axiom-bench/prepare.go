package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"time"

	"github.com/axiom-mcp/axiom-mcp/internal/bench"
	"github.com/axiom-mcp/axiom-mcp/internal/claudeenv"
	"github.com/axiom-mcp/axiom-mcp/internal/testbin"
)

// netnsEnv marks the copy of the command that runs inside the network
// namespace.
const netnsEnv = "AXIOM_BENCH_NETNS"

// binDirEnv passes the directory of the binaries built before the command
// moved into the namespace, where the module proxy is out of reach.
const binDirEnv = "AXIOM_BENCH_BIN_DIR"

// childStopWait bounds how long an interrupted copy in the namespace may
// take to stop its benchmark and clean up: a server under test gets 8 s to
// end its agents.
const childStopWait = 30 * time.Second

// reexecInNetns runs the command again inside a new network namespace with
// only loopback up when it runs as root outside one. It reports whether it
// did, in which case the caller is done.
func reexecInNetns(ctx context.Context, args []string) (bool, error) {
	if os.Geteuid() != 0 || os.Getenv(netnsEnv) != "" {
		return false, nil
	}
	for _, tool := range []string{"unshare", "ip"} {
		if _, err := exec.LookPath(tool); err != nil {
			return false, nil
		}
	}
	self, err := os.Executable()
	if err != nil {
		return true, fmt.Errorf("find this program to run it in a network namespace: %w", err)
	}
	binDir, err := os.MkdirTemp("", "axiom-bench-bin-")
	if err != nil {
		return true, fmt.Errorf("make a directory for the binaries: %w", err)
	}
	defer os.RemoveAll(binDir)
	if _, _, err := buildBinaries(binDir); err != nil {
		return true, err
	}

	cmd := exec.CommandContext(ctx, "unshare", append([]string{"-n", "sh", "-c",
		`ip link set lo up && exec "$0" "$@"`, self}, args...)...)
	cmd.Env = append(os.Environ(), netnsEnv+"=1", binDirEnv+"="+binDir)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	// On Ctrl-C the copy in the namespace stops its benchmark and removes
	// what it made; it gets the interrupt and time for that, not SIGKILL.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = childStopWait
	err = cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return true, childExit(exit.ExitCode())
	}
	if err != nil {
		return true, fmt.Errorf("run the benchmarks in a loopback-only network namespace: %w", err)
	}
	return true, nil
}

// buildBinaries builds the test agent and the server into dir.
func buildBinaries(dir string) (agent, server string, err error) {
	if agent, err = testbin.Build(dir, testbin.TestAgent); err != nil {
		return "", "", fmt.Errorf("build the test agent (run axiom-bench inside the axiom-mcp module): %w", err)
	}
	if server, err = testbin.Build(dir, testbin.Server); err != nil {
		return "", "", fmt.Errorf("build axiom-mcp (run axiom-bench inside the axiom-mcp module): %w", err)
	}
	return agent, server, nil
}

// prepare builds or finds the programs the benchmarks run and returns the
// environment and a function that removes what prepare made.
func prepare(progress io.Writer, quick bool) (*bench.Env, func(), error) {
	dir := os.Getenv(binDirEnv)
	cleanup := func() {}
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "axiom-bench-bin-"); err != nil {
			return nil, nil, fmt.Errorf("make a directory for the binaries: %w", err)
		}
		cleanup = func() { os.RemoveAll(dir) }
	}
	agent, server, err := buildBinaries(dir)
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	log := newLogger()
	env := &bench.Env{TestAgent: agent, Server: server, Quick: quick, Progress: progress, Log: log}
	env.Claude, env.ClaudeMissing = findClaude()
	return env, func() { _ = log.Sync(); cleanup() }, nil
}

// findClaude returns the Claude Code CLI the cpu benchmark may run, or why
// there is none.
func findClaude() (path, missing string) {
	if !loopbackOnly() {
		return "", "the network has interfaces besides loopback, so the CLI could reach other hosts: " +
			"run axiom-bench as root (it then runs in a loopback-only network namespace) or inside `unshare -rn`"
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", "the working directory is unreadable: " + err.Error()
	}
	if path = claudeenv.FindBinary(wd); path == "" {
		return "", "Claude Code CLI not found: install the pinned CLI with scripts/install-claude, or set AXIOM_CLAUDE_BIN"
	}
	if _, err := os.Stat(path); err != nil {
		return "", fmt.Sprintf("Claude Code CLI %s is not usable: %v", path, err)
	}
	return path, ""
}

// loopbackOnly reports whether every network interface is a loopback one,
// the only network in which the benchmarks run the real Claude Code CLI.
func loopbackOnly() bool {
	interfaces, err := net.Interfaces()
	if err != nil {
		return false
	}
	for _, iface := range interfaces {
		if iface.Flags&net.FlagLoopback == 0 {
			return false
		}
	}
	return true
}
