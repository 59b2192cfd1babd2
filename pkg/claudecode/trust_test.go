package claudecode

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// trustChildEnv makes the test binary, re-run as a child process, call
// Trust for each directory in trustChildDirsEnv on the file it names.
const (
	trustChildEnv     = "AXIOM_CLAUDECODE_TRUST_FILE"
	trustChildDirsEnv = "AXIOM_CLAUDECODE_TRUST_DIRS"
)

// readJSON decodes a config file into a generic map.
func readJSON(t *testing.T, path string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var config map[string]any
	require.NoError(t, json.Unmarshal(data, &config), "content:\n%s", data)
	return config
}

// projectEntry returns config["projects"][dir] as a map.
func projectEntry(t *testing.T, config map[string]any, dir string) map[string]any {
	t.Helper()
	projects, ok := config["projects"].(map[string]any)
	require.True(t, ok, "projects is %T", config["projects"])
	entry, ok := projects[dir].(map[string]any)
	require.True(t, ok, "projects[%q] is %T", dir, projects[dir])
	return entry
}

func TestTrustKeepsOtherKeys(t *testing.T) {
	file := filepath.Join(t.TempDir(), ".claude.json")
	original := `{
  "numStartups": 3,
  "userID": "abc",
  "bigNumber": 12345678901234567890123,
  "html": "<b>&</b>",
  "unknownTopLevel": {"nested": [1, 2, {"deep": null}]},
  "projects": {
    "/other": {"hasTrustDialogAccepted": false, "allowedTools": ["Bash"]},
    "/work/ws": {"lastCost": 0.5, "futureKey": {"x": 1}}
  }
}`
	require.NoError(t, os.WriteFile(file, []byte(original), 0o600))

	require.NoError(t, Trust(file, "/work/ws"))

	data, err := os.ReadFile(file)
	require.NoError(t, err)
	assert.Contains(t, string(data), "12345678901234567890123", "big numbers keep their digits")
	assert.Contains(t, string(data), `"<b>&</b>"`, "strings are not HTML-escaped")
	config := readJSON(t, file)
	assert.Equal(t, float64(3), config["numStartups"])
	assert.Equal(t, "abc", config["userID"])
	assert.Equal(t, map[string]any{"nested": []any{float64(1), float64(2), map[string]any{"deep": nil}}}, config["unknownTopLevel"])
	assert.Equal(t, map[string]any{"hasTrustDialogAccepted": false, "allowedTools": []any{"Bash"}}, projectEntry(t, config, "/other"))
	assert.Equal(t, map[string]any{"lastCost": 0.5, "futureKey": map[string]any{"x": float64(1)}, "hasTrustDialogAccepted": true},
		projectEntry(t, config, "/work/ws"))
}

func TestTrustCreatesMissingFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "a", "b", ".claude.json")

	require.NoError(t, Trust(file, "/work/ws"))

	info, err := os.Stat(file)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	assert.Equal(t, true, projectEntry(t, readJSON(t, file), "/work/ws")["hasTrustDialogAccepted"])
}

func TestTrustKeepsFileMode(t *testing.T) {
	file := filepath.Join(t.TempDir(), ".claude.json")
	require.NoError(t, os.WriteFile(file, []byte(`{}`), 0o640))
	require.NoError(t, os.Chmod(file, 0o640))

	require.NoError(t, Trust(file, "/work/ws"))

	info, err := os.Stat(file)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o640), info.Mode().Perm())
}

func TestTrustAlreadyTrustedWritesNothing(t *testing.T) {
	file := filepath.Join(t.TempDir(), ".claude.json")
	original := `{"projects":{"/work/ws":{"hasTrustDialogAccepted":true}},"b":1,"a":2}`
	require.NoError(t, os.WriteFile(file, []byte(original), 0o600))
	before, err := os.Stat(file)
	require.NoError(t, err)

	require.NoError(t, Trust(file, "/work/ws"))

	after, err := os.Stat(file)
	require.NoError(t, err)
	assert.True(t, os.SameFile(before, after), "the file must not be replaced")
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	assert.Equal(t, original, string(data))
}

func TestTrustInvalidJSONIsLeftUntouched(t *testing.T) {
	for _, content := range []string{`{"projects": {`, ``, `[1, 2]`, `{"projects": []}`, `{"projects": {"/work/ws": 5}}`} {
		file := filepath.Join(t.TempDir(), ".claude.json")
		require.NoError(t, os.WriteFile(file, []byte(content), 0o600))

		err := Trust(file, "/work/ws")

		require.Error(t, err, "content %q", content)
		assert.Contains(t, err.Error(), file, "content %q", content)
		data, readErr := os.ReadFile(file)
		require.NoError(t, readErr)
		assert.Equal(t, content, string(data))
	}
}

func TestTrustFollowsSymlink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "real.json")
	link := filepath.Join(dir, ".claude.json")
	require.NoError(t, os.WriteFile(target, []byte(`{}`), 0o600))
	require.NoError(t, os.Symlink(target, link))

	require.NoError(t, Trust(link, "/work/ws"))

	info, err := os.Lstat(link)
	require.NoError(t, err)
	assert.Equal(t, os.ModeSymlink, info.Mode().Type())
	assert.Equal(t, true, projectEntry(t, readJSON(t, target), "/work/ws")["hasTrustDialogAccepted"])
}

func TestTrustRelativeDirectory(t *testing.T) {
	file := filepath.Join(t.TempDir(), ".claude.json")
	wd, err := os.Getwd()
	require.NoError(t, err)

	require.NoError(t, Trust(file, "testdata"))

	projectEntry(t, readJSON(t, file), filepath.Join(wd, "testdata"))
}

func TestTrustEmptyDirectory(t *testing.T) {
	err := Trust(filepath.Join(t.TempDir(), ".claude.json"), "")

	assert.ErrorContains(t, err, "empty directory")
}

func TestTrustLeavesNoLockDirectory(t *testing.T) {
	file := filepath.Join(t.TempDir(), ".claude.json")

	require.NoError(t, Trust(file, "/work/ws"))

	_, err := os.Stat(file + ".lock")
	assert.ErrorIs(t, err, os.ErrNotExist)
}

func TestTrustWaitsForClaudeCodeLock(t *testing.T) {
	file := filepath.Join(t.TempDir(), ".claude.json")
	lockDir := file + ".lock"
	require.NoError(t, os.Mkdir(lockDir, 0o700))
	released := make(chan struct{})
	go func() {
		defer close(released)
		time.Sleep(300 * time.Millisecond)
		// The file must still be missing while the lock is held.
		_, err := os.Stat(file)
		assert.ErrorIs(t, err, os.ErrNotExist)
		assert.NoError(t, os.Remove(lockDir))
	}()

	err := Trust(file, "/work/ws")
	<-released

	require.NoError(t, err)
	projectEntry(t, readJSON(t, file), "/work/ws")
}

func TestTrustRemovesStaleClaudeCodeLock(t *testing.T) {
	file := filepath.Join(t.TempDir(), ".claude.json")
	lockDir := file + ".lock"
	require.NoError(t, os.Mkdir(lockDir, 0o700))
	past := time.Now().Add(-time.Minute)
	require.NoError(t, os.Chtimes(lockDir, past, past))

	require.NoError(t, Trust(file, "/work/ws"))

	projectEntry(t, readJSON(t, file), "/work/ws")
}

func TestTrustConcurrentGoroutines(t *testing.T) {
	file := filepath.Join(t.TempDir(), ".claude.json")
	require.NoError(t, os.WriteFile(file, []byte(`{"keep":"me"}`), 0o600))
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			assert.NoError(t, Trust(file, fmt.Sprintf("/work/ws-%02d", i)))
		}()
	}
	wg.Wait()

	config := readJSON(t, file)
	assert.Equal(t, "me", config["keep"])
	for i := range 20 {
		dir := fmt.Sprintf("/work/ws-%02d", i)
		assert.Equal(t, true, projectEntry(t, config, dir)["hasTrustDialogAccepted"], dir)
	}
}

func TestTrustConcurrentProcesses(t *testing.T) {
	file := filepath.Join(t.TempDir(), ".claude.json")
	require.NoError(t, os.WriteFile(file, []byte(`{"keep":"me"}`), 0o600))
	var children []*exec.Cmd
	for child := range 4 {
		var dirs []string
		for i := range 5 {
			dirs = append(dirs, fmt.Sprintf("/work/ws-%d-%d", child, i))
		}
		cmd := exec.Command(os.Args[0], "-test.run=^TestTrustChildProcess$", "-test.count=1")
		cmd.Env = append(os.Environ(), trustChildEnv+"="+file, trustChildDirsEnv+"="+strings.Join(dirs, ":"))
		require.NoError(t, cmd.Start())
		children = append(children, cmd)
	}
	for _, cmd := range children {
		assert.NoError(t, cmd.Wait())
	}

	config := readJSON(t, file)
	assert.Equal(t, "me", config["keep"])
	for child := range 4 {
		for i := range 5 {
			dir := fmt.Sprintf("/work/ws-%d-%d", child, i)
			assert.Equal(t, true, projectEntry(t, config, dir)["hasTrustDialogAccepted"], dir)
		}
	}
}

// TestTrustChildProcess is the child of TestTrustConcurrentProcesses. It
// does nothing in a normal test run.
func TestTrustChildProcess(t *testing.T) {
	file := os.Getenv(trustChildEnv)
	if file == "" {
		t.Skip("runs only as a child of TestTrustConcurrentProcesses")
	}
	var wg sync.WaitGroup
	for _, dir := range strings.Split(os.Getenv(trustChildDirsEnv), ":") {
		wg.Add(1)
		go func() {
			defer wg.Done()
			assert.NoError(t, Trust(file, dir))
		}()
	}
	wg.Wait()
}
