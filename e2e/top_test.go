package e2e

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTopShowsTableAndScreen(t *testing.T) {
	const token = "top-test-token-0123456789"
	tokenFile := filepath.Join(t.TempDir(), "token")
	require.NoError(t, os.WriteFile(tokenFile, []byte(token+"\n"), 0o600))
	s := startHTTPServer(t, []string{"AXIOM_MCP_TOKEN=" + token}, "--tick", "200ms")
	session := s.connect(t, http.Header{"Authorization": {"Bearer " + token}})
	res, err := session.CallTool(t.Context(), &mcp.CallToolParams{Name: "spawn",
		Arguments: map[string]any{"prompt": "chatty:30", "name": "talker"}})
	require.NoError(t, err)
	require.False(t, res.IsError, "spawn: %s", text(res))

	pane := startTmux(t, 150, 30, strings.Join([]string{serverBin, "top", "--url", s.url, "--token-file", tokenFile}, " "))

	table := pane.waitFor(20*time.Second, "INSTANCE", "talker", "chatter")
	assert.Contains(t, table, "> i-", "the first row is selected")
	assert.Contains(t, table, "Enter open screen")

	pane.run("send-keys", "Enter")
	screen := pane.waitFor(10*time.Second, "Esc back", "(working)")
	assert.NotContains(t, screen, "INSTANCE", "the screen view replaces the table")

	pane.run("send-keys", "Escape")
	pane.waitFor(10*time.Second, "INSTANCE", "talker")

	pane.run("send-keys", "q")
	done := pane.waitFor(10*time.Second, "EXITED")
	assert.Contains(t, done, "EXITED 0")
}

func TestTopRejectsWrongToken(t *testing.T) {
	s := startHTTPServer(t, []string{"AXIOM_MCP_TOKEN=right-token-0123456789"})
	tokenFile := filepath.Join(t.TempDir(), "token")
	require.NoError(t, os.WriteFile(tokenFile, []byte("wrong-token-0123456789\n"), 0o600))

	pane := startTmux(t, 150, 30, strings.Join([]string{serverBin, "top", "--url", s.url, "--token-file", tokenFile}, " "))

	done := pane.waitFor(10*time.Second, "EXITED")
	assert.Contains(t, done, "401 Unauthorized")
	assert.Contains(t, done, "EXITED 1")
}
