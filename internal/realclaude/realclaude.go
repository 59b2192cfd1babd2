// Package realclaude gates tests that run the real Claude Code CLI: it finds
// the binary and makes sure the test cannot reach any host but loopback.
// With AXIOM_REQUIRE_CLAUDE=1 (set by the project's test script) a missing
// binary or an open network fails the test instead of skipping it.
package realclaude

import (
	"net"
	"os"
	"testing"

	"github.com/axiom-mcp/axiom-mcp/internal/claudeenv"
)

// unshareHint is how to run the tests with loopback as the only interface.
const unshareHint = "run the tests through scripts/test, which uses a loopback-only network namespace " +
	"(unshare -n) when run as root"

// Binary returns the Claude Code CLI, or skips (fails when required) the
// test when it is missing or the network is not loopback-only.
func Binary(t testing.TB) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatalf("get working directory: %v", err)
	}
	bin := claudeenv.FindBinary(wd)
	if bin == "" {
		stop(t, "Claude Code CLI not found: run npm install --prefix .cache/npm "+
			"@anthropic-ai/claude-code@2.1.197 in the module root, or set AXIOM_CLAUDE_BIN")
	}
	if _, err := os.Stat(bin); err != nil {
		stop(t, "Claude Code CLI "+bin+" is not usable: "+err.Error())
	}
	requireLoopbackOnly(t)
	return bin
}

func requireLoopbackOnly(t testing.TB) {
	t.Helper()
	interfaces, err := net.Interfaces()
	if err != nil {
		t.Fatalf("list network interfaces: %v", err)
	}
	for _, iface := range interfaces {
		if iface.Flags&net.FlagLoopback == 0 {
			stop(t, "network interface "+iface.Name+" is not loopback, so the CLI could reach other hosts: "+unshareHint)
		}
	}
}

func stop(t testing.TB, msg string) {
	t.Helper()
	if os.Getenv("AXIOM_REQUIRE_CLAUDE") == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}
