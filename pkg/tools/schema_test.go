package tools

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false,
	"rewrite the tool schema snapshots in testdata/schemas and the tool reference in README.md")

// Paths of the snapshots and of the README whose tool reference is made
// from them, relative to this package.
const (
	schemaDir  = "testdata/schemas"
	readmePath = "../../README.md"
)

// regenerate is the command that rewrites the snapshots and the README's
// tool reference.
const regenerate = "go test ./pkg/tools -run Schema -update"

// TestSchema compares each tool as tools/list shows it with its snapshot in
// testdata/schemas, then the README's tool reference with the one made from
// the snapshots. With -update it rewrites both, snapshots first.
func TestSchema(t *testing.T) {
	t.Run("snapshots", checkSchemaSnapshots)
	t.Run("readme", checkToolReference)
}

func checkSchemaSnapshots(t *testing.T) {
	listed := listedTools(t)
	names := make([]string, 0, len(listed))
	for _, tool := range listed {
		names = append(names, tool.Name)
		got, err := json.MarshalIndent(tool, "", "  ")
		require.NoError(t, err)
		got = append(got, '\n')
		path := filepath.Join(schemaDir, tool.Name+".json")
		if *update {
			require.NoError(t, os.MkdirAll(schemaDir, 0o755))
			require.NoError(t, os.WriteFile(path, got, 0o644))
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("tool %q has no schema snapshot %s (%v): run %s", tool.Name, path, err, regenerate)
			continue
		}
		assert.Equal(t, string(want), string(got), "tool %q as listed differs from its snapshot %s: if the "+
			"change is intended, run %s", tool.Name, path, regenerate)
	}
	for _, stale := range staleSnapshots(t, names) {
		if *update {
			require.NoError(t, os.Remove(stale))
			continue
		}
		t.Errorf("snapshot %s belongs to no listed tool: run %s to remove it", stale, regenerate)
	}
}

// listedTools returns the tools a client of a fresh server lists.
func listedTools(t *testing.T) []mcp.Tool {
	t.Helper()
	mcpClient := connect(t, startTestPool(t), Options{})
	listed, err := mcpClient.ListTools(t.Context(), mcp.ListToolsRequest{})
	require.NoError(t, err)
	require.NotEmpty(t, listed.Tools)
	return listed.Tools
}

// staleSnapshots returns the snapshot files of tools not in names.
func staleSnapshots(t *testing.T, names []string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(schemaDir, "*.json"))
	require.NoError(t, err)
	var stale []string
	for _, file := range files {
		if !slices.Contains(names, strings.TrimSuffix(filepath.Base(file), ".json")) {
			stale = append(stale, file)
		}
	}
	return stale
}

func checkToolReference(t *testing.T) {
	reference, err := renderToolReference(schemaDir)
	require.NoError(t, err)
	readme, err := os.ReadFile(readmePath)
	require.NoError(t, err)
	start, end, err := referenceBounds(readme)
	require.NoError(t, err)
	if *update {
		rewritten := slices.Concat(readme[:start], []byte(reference), readme[end:])
		require.NoError(t, os.WriteFile(readmePath, rewritten, 0o644))
		return
	}
	assert.Equal(t, reference, string(readme[start:end]), "README.md's tool reference differs from the one made "+
		"from %s: run %s", schemaDir, regenerate)
}

// Markers around the generated tool reference in README.md.
const (
	referenceStart = "<!-- tool-reference:start -->\n"
	referenceEnd   = "<!-- tool-reference:end -->"
)

// referenceBounds returns where the generated text between the markers
// starts and ends in readme.
func referenceBounds(readme []byte) (int, int, error) {
	start := bytes.Index(readme, []byte(referenceStart))
	end := bytes.Index(readme, []byte(referenceEnd))
	if start < 0 || end < start {
		return 0, 0, errorf("README.md lacks the markers %q and %q in that order: put them where the tool "+
			"reference belongs and run %s", strings.TrimSpace(referenceStart), referenceEnd, regenerate)
	}
	return start + len(referenceStart), end, nil
}
