package mockmodel

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStructuredSendsFileContent(t *testing.T) {
	_, httpServer := startTestServer(t)
	path := filepath.Join(t.TempDir(), "plan.json")
	plan := `{"summary":"two steps","tasks":[{"name":"a","prompt":"write a.txt"}]}`
	require.NoError(t, os.WriteFile(path, []byte(plan), 0o600))
	tools := append([]string{toolStructuredOutput}, printModeTools...)

	run := runScript(t, httpServer.URL, "plan it [[structured file="+path+"]]", tools, fakeResult)

	require.Len(t, run.calls, 1)
	assert.Equal(t, toolStructuredOutput, run.calls[0].Name)
	assert.Equal(t, "two steps", run.calls[0].Input["summary"])
	assert.Len(t, run.calls[0].Input["tasks"], 1)
	assert.Equal(t, "Done: returned the structured output.", run.finalText)
}

func TestStructuredRelativeToWorkDir(t *testing.T) {
	_, httpServer := startTestServer(t)
	tools := append([]string{toolStructuredOutput}, printModeTools...)

	run := runScript(t, httpServer.URL, "[[structured file=missing-plan.json]]", tools, fakeResult)

	assert.Empty(t, run.calls)
	assert.Contains(t, run.finalText, "Cannot return the structured output")
	assert.Contains(t, run.finalText, filepath.Join(testWorkDir, "missing-plan.json"))
}

func TestStructuredRejectsNonObject(t *testing.T) {
	_, httpServer := startTestServer(t)
	path := filepath.Join(t.TempDir(), "plan.json")
	require.NoError(t, os.WriteFile(path, []byte(`["not", "an", "object"]`), 0o600))
	tools := append([]string{toolStructuredOutput}, printModeTools...)

	run := runScript(t, httpServer.URL, "[[structured file="+path+"]]", tools, fakeResult)

	assert.Empty(t, run.calls)
	assert.Contains(t, run.finalText, "is not a JSON object")
}

func TestStructuredWithoutToolEndsTurn(t *testing.T) {
	_, httpServer := startTestServer(t)
	path := filepath.Join(t.TempDir(), "plan.json")
	require.NoError(t, os.WriteFile(path, []byte(`{"summary":"s"}`), 0o600))

	run := runScript(t, httpServer.URL, "[[structured file="+path+"]]", printModeTools, fakeResult)

	assert.Empty(t, run.calls)
	assert.Equal(t, "Cannot return the structured output in "+path+": the request offers no StructuredOutput tool.",
		run.finalText)
}

func TestStructuredNeedsFileName(t *testing.T) {
	_, err := parseScript("[[structured]]")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "missing file name")
}
