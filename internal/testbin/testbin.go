// Package testbin builds the project's helper programs for tests: the
// scripted test agent and the axiom-mcp binary itself.
package testbin

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
)

var (
	mu    sync.Mutex
	built = map[string]string{}
)

// Build compiles the main package pkg (an import path of this module) into
// dir and returns the binary's path. Each package is built once per process.
func Build(dir, pkg string) (string, error) {
	mu.Lock()
	defer mu.Unlock()
	if path, ok := built[pkg]; ok {
		return path, nil
	}
	out := filepath.Join(dir, filepath.Base(pkg))
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build %s: %w", pkg, err)
	}
	built[pkg] = out
	return out, nil
}

// TestAgent is the import path of the scripted test agent.
const TestAgent = "github.com/axiom-mcp/axiom-mcp/internal/testagent"

// Server is the import path of the axiom-mcp command.
const Server = "github.com/axiom-mcp/axiom-mcp/cmd/axiom-mcp"
