package bench

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/axiom-mcp/axiom-mcp/internal/testbin"
)

// binDir holds the binaries the tests build; TestMain removes it.
var binDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "axiom-bench-test-bin-")
	if err != nil {
		panic(err)
	}
	binDir = dir
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// testAgent builds the test agent once for the package's tests.
func testAgent(t *testing.T) string {
	t.Helper()
	path, err := testbin.Build(binDir, testbin.TestAgent)
	require.NoError(t, err)
	return path
}
