package e2e

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// browserArtifacts is where the browser test saves its screenshot,
// relative to this package's directory.
const browserArtifacts = "../.cache/test-artifacts"

// playwrightModule is where scripts/test installs playwright-core.
const playwrightModule = "../.cache/browser/node_modules/playwright-core"

// browserTools returns the paths of node, Chromium and playwright-core.
// When one is missing the test is skipped, or fails when
// AXIOM_REQUIRE_BROWSER is set, as scripts/test sets it for root, where
// .ci/run installs Chromium.
func browserTools(t *testing.T) (node, chromium, playwright string) {
	t.Helper()
	missing := func(what string) {
		if os.Getenv("AXIOM_REQUIRE_BROWSER") != "" {
			t.Fatalf("%s is missing and AXIOM_REQUIRE_BROWSER is set: install the Debian package chromium "+
				"and run scripts/test, which installs playwright-core under .cache/browser", what)
		}
		t.Skipf("%s is missing: install the Debian package chromium and run scripts/test to run the browser test", what)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		missing("node")
	}
	chromium = os.Getenv("AXIOM_CHROMIUM")
	if chromium == "" {
		if chromium, err = exec.LookPath("chromium"); err != nil {
			missing("chromium")
		}
	}
	playwright, err = filepath.Abs(playwrightModule)
	require.NoError(t, err)
	if _, err := os.Stat(filepath.Join(playwright, "package.json")); err != nil {
		missing("playwright-core under .cache/browser")
	}
	return node, chromium, playwright
}

// NOTE: this test and testdata/dashboard.mjs were written on a machine
// without Chromium, so the browser steps have not yet run there.
func TestDashboardInBrowser(t *testing.T) {
	node, chromium, playwright := browserTools(t)
	const token = "browser-test-token-0123456789"
	s := startHTTPServer(t, []string{"AXIOM_MCP_TOKEN=" + token}, "--tick", "200ms")
	session := s.connect(t, http.Header{"Authorization": {"Bearer " + token}})
	for name, prompt := range map[string]string{"chatty": "chatty:60", "productive": "productive:5 sleep:60",
		"echo": "echo-input"} {
		res, err := session.CallTool(t.Context(), &mcp.CallToolParams{Name: "spawn",
			Arguments: map[string]any{"prompt": prompt, "name": name}})
		require.NoError(t, err)
		require.False(t, res.IsError, "spawn %s: %s", name, text(res))
	}
	artifacts, err := filepath.Abs(browserArtifacts)
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(artifacts, 0o755))
	screenshot := filepath.Join(artifacts, "dashboard.png")
	_ = os.Remove(screenshot)
	page := strings.TrimSuffix(s.url, "/mcp") + "/dashboard/#token=" + token

	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "testdata/dashboard.mjs")
	cmd.Env = append(os.Environ(), "PLAYWRIGHT="+playwright, "CHROMIUM="+chromium, "DASHBOARD="+page,
		"SCREENSHOT="+screenshot, "HOME="+t.TempDir())
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "the browser script failed:\n%s", out)

	for _, step := range []string{"screen updated", "text sent", "instance killed", "screenshot saved"} {
		assert.Contains(t, string(out), step)
	}
	info, err := os.Stat(screenshot)
	require.NoError(t, err)
	assert.Positive(t, info.Size())
	t.Logf("dashboard screenshot: %s", screenshot)
}
