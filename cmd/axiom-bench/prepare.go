package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"

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
		return "", "", fmt.Errorf("build the test agent: %w", err)
	}
	if server, err = testbin.Build(dir, testbin.Server); err != nil {
		return "", "", fmt.Errorf("build axiom-mcp: %w", err)
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
	if wd, err := os.Getwd(); err == nil && loopbackOnly() {
		env.Claude = claudeenv.FindBinary(wd)
	}
	return env, func() { _ = log.Sync(); cleanup() }, nil
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
