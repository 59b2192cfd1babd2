package profile

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// writeProfiles writes content to a profiles file in a new temporary
// directory and returns its path.
func writeProfiles(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "profiles.yaml")
	require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
	return path
}

func TestLoadAddsProfileAfterBase(t *testing.T) {
	path := writeProfiles(t, `
profiles:
  - name: mine
    command: my-agent --task {prompt}
    prompt: argument
    stdin: "null"
    output: screen
    done: exit
`)
	set, err := Load(path, Defaults())
	require.NoError(t, err)

	p, err := set.Lookup("mine")
	require.NoError(t, err)
	assert.Equal(t, "my-agent --task {prompt}", p.Command)
	assert.Equal(t, DefaultSubmitDelay, p.SubmitDelay)
	assert.Equal(t, "mine", set.Names()[len(set.Names())-1])
	assert.Len(t, set.Names(), len(Defaults().Names())+1)
}

func TestLoadExtendsCopiesParent(t *testing.T) {
	path := writeProfiles(t, `
profiles:
  - name: claude-bypass
    extends: claude
    permission_mode: bypassPermissions
    submit_delay: 350ms
    env:
      IS_SANDBOX: "1"
`)
	set, err := Load(path, Defaults())
	require.NoError(t, err)

	p, err := set.Lookup("claude-bypass")
	require.NoError(t, err)
	parent := claudeProfile(t)
	assert.Equal(t, "bypassPermissions", p.PermissionMode)
	assert.Equal(t, Duration(350*time.Millisecond), p.SubmitDelay)
	assert.Equal(t, map[string]string{"IS_SANDBOX": "1"}, p.Env)
	assert.Equal(t, parent.Command, p.Command)
	assert.Equal(t, parent.States, p.States)
	assert.Equal(t, parent.Dialogs, p.Dialogs)
	assert.Equal(t, "claude", p.Extends)
	assert.Equal(t, StateReady, p.Classify(readTextScreen(t, "06-idle-ready.txt"), "").State)
}

func TestLoadExtendsLeavesParentUnchanged(t *testing.T) {
	path := writeProfiles(t, `
profiles:
  - name: claude
    extends: claude
    dialogs:
      - name: trust
        all: ["Accessing workspace:"]
        answer: [esc]
`)
	set, err := Load(path, Defaults())
	require.NoError(t, err)

	p, err := set.Lookup("claude")
	require.NoError(t, err)
	require.Len(t, p.Dialogs, 1)
	assert.Equal(t, []string{"esc"}, p.Dialogs[0].Answer)
	assert.Len(t, claudeProfile(t).Dialogs, 6)
	assert.Equal(t, Defaults().Names(), set.Names())
}

func TestLoadExtendsEarlierFileProfile(t *testing.T) {
	path := writeProfiles(t, `
profiles:
  - name: base
    command: agent {prompt}
    prompt: argument
    stdin: terminal
    output: screen
    done: exit
  - name: child
    extends: base
    description: child of base
`)
	set, err := Load(path, nil)
	require.NoError(t, err)

	p, err := set.Lookup("child")
	require.NoError(t, err)
	assert.Equal(t, "agent {prompt}", p.Command)
	assert.Equal(t, []string{"base", "child"}, set.Names())
}

func TestLoadErrorsNameFileAndLine(t *testing.T) {
	cases := []struct {
		name    string
		content string
		want    []string
	}{
		{"unknown field", "profiles:\n  - name: x\n    comand: agent\n", []string{"line 3", "comand"}},
		{"invalid state", `profiles:
  - name: x
    command: agent
    prompt: argument
    stdin: "null"
    output: screen
    done: exit
  - name: y
    extends: x
    states:
      - name: idle
        state: idle
        all: ["ready"]
`, []string{":8:", `profile "y"`, `state "idle"`}},
		{"unknown parent", "profiles:\n  - name: x\n    extends: nope\n", []string{":2:", `"nope"`, "claude"}},
		{"bad duration", `profiles:
  - name: x
    extends: claude
    submit_delay: 200
`, []string{"line 4", `"200"`, "200ms"}},
		{"duplicate name", `profiles:
  - name: x
    extends: claude
  - name: x
    extends: claude
`, []string{":4:", "line 2"}},
		{"no profiles", "profiles: []\n", []string{"no profiles"}},
		{"empty file", "", []string{"empty"}},
		{"syntax", "profiles:\n  - name: [\n", []string{"line"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := writeProfiles(t, tc.content)

			_, err := Load(path, Defaults())

			require.Error(t, err)
			assert.Contains(t, err.Error(), path)
			for _, want := range tc.want {
				assert.Contains(t, err.Error(), want)
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing.yaml")

	_, err := Load(path, Defaults())

	require.Error(t, err)
	assert.Contains(t, err.Error(), path)
}

func TestLookupUnknownListsNames(t *testing.T) {
	_, err := Defaults().Lookup("claud")

	require.Error(t, err)
	assert.Contains(t, err.Error(), `"claud"`)
	assert.Contains(t, err.Error(), "claude, claude-print, codex")
}

func TestLookupReturnsCopy(t *testing.T) {
	p := claudeProfile(t)
	p.Command = "changed"
	p.States[0].All[0] = "changed"
	p.Env = map[string]string{"X": "1"}

	again := claudeProfile(t)

	assert.NotEqual(t, "changed", again.Command)
	assert.NotEqual(t, "changed", again.States[0].All[0])
	assert.Empty(t, again.Env)
}

func TestProfileYAMLRoundTrip(t *testing.T) {
	p := claudeProfile(t)
	data, err := yaml.Marshal(p)
	require.NoError(t, err)

	path := writeProfiles(t, "profiles:\n  - "+indentAfterFirst(string(data), "    "))
	set, err := Load(path, nil)
	require.NoError(t, err)
	back, err := set.Lookup("claude")
	require.NoError(t, err)

	assert.Contains(t, string(data), "submit_delay: 200ms")
	assert.Equal(t, p.States, back.States)
	assert.Equal(t, p.Dialogs, back.Dialogs)
	assert.Equal(t, p.SubmitDelay, back.SubmitDelay)
}

// indentAfterFirst indents every line of s but the first by prefix.
func indentAfterFirst(s, prefix string) string {
	out := []byte{}
	for i := 0; i < len(s); i++ {
		out = append(out, s[i])
		if s[i] == '\n' && i+1 < len(s) {
			out = append(out, prefix...)
		}
	}
	return string(out)
}
