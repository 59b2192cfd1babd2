package app

import (
	"os"
	"testing"

	"github.com/axiom-mcp/axiom-mcp/internal/leakcheck"
)

// TestMain fails the package when its tests leave goroutines or file
// descriptors open, and prints their stacks.
func TestMain(m *testing.M) { os.Exit(leakcheck.Main(m)) }
