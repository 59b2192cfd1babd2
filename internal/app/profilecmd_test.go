package app

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fixtureDir holds Claude Code 2.1.197 screen captures and a recorded
// session with its timing file.
const fixtureDir = "../../pkg/profile/testdata"

// runProfile runs the profile command and returns its exit status, output
// and error output.
func runProfile(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := ProfileCommand(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// copyFixture copies a fixture into a new temporary directory, away from
// its timing file, and returns the copy's path.
func copyFixture(t *testing.T, name, as string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(fixtureDir, name))
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), as)
	require.NoError(t, os.WriteFile(path, data, 0o600))
	return path
}

func TestProfileListShowsEmbeddedProfiles(t *testing.T) {
	code, out, _ := runProfile("list")

	require.Equal(t, 0, code)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 7)
	assert.Regexp(t, `^NAME\s+CHECKED\s+DESCRIPTION$`, lines[0])
	assert.Regexp(t, `^claude\s+2\.1\.197\s+Claude Code in its terminal UI`, lines[1])
	assert.Regexp(t, `^codex\s+-\s+.*not checked against a real CLI$`, lines[3])
}

func TestProfileShowPrintsYAML(t *testing.T) {
	code, out, _ := runProfile("show", "claude")

	require.Equal(t, 0, code)
	assert.Contains(t, out, "name: claude\n")
	assert.Contains(t, out, "checked_version: 2.1.197\n")
	assert.Contains(t, out, "submit_delay: 200ms\n")
	assert.Contains(t, out, "name: permission_question\n")
}

func TestProfileShowUnknownName(t *testing.T) {
	code, out, errOut := runProfile("show", "claud")

	assert.Equal(t, 2, code)
	assert.Empty(t, out)
	assert.Contains(t, errOut, `profile "claud" not found`)
	assert.Contains(t, errOut, "claude, claude-print")
}

func TestProfileCheckTextScreens(t *testing.T) {
	cases := []struct {
		file string
		want string
	}{
		{"06-idle-ready.txt", "state: ready (rule idle_prompt)\n"},
		{"07-busy-early.txt", "state: working (rule busy_footer)\n"},
		{"09-permission-write.txt", "state: waiting_input (rule permission_question)\n" +
			"question: Do you want to create hello.txt?\n"},
		{"10-idle-turn-finished.txt", "state: turn_finished (rule turn_summary)\n"},
		{"03-trust-dialog.txt", "state: dialog (rule trust)\ndialog: trust\nanswer: enter\n"},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			code, out, errOut := runProfile("check", "--profile", "claude", filepath.Join(fixtureDir, tc.file))

			assert.Equal(t, 0, code, errOut)
			assert.Equal(t, tc.want, out)
		})
	}
}

func TestProfileCheckANSIScreens(t *testing.T) {
	cases := []struct {
		file string
		want string
	}{
		{"04-api-key-dialog.ansi", "state: dialog (rule api_key)\ndialog: api_key\nanswer: up, enter\n"},
		{"08-busy-thinking.ansi", "state: working (rule busy_footer)\n"},
		{"11-exited.ansi", "state: exited (rule exited)\n"},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			code, out, errOut := runProfile("check", "--profile", "claude", filepath.Join(fixtureDir, tc.file))

			assert.Equal(t, 0, code, errOut)
			assert.Equal(t, tc.want, out)
		})
	}
}

func TestProfileCheckUnanswerableDialogPrintsHelp(t *testing.T) {
	code, out, _ := runProfile("check", "--profile", "claude", filepath.Join(fixtureDir, "01-connectivity-failure.txt"))

	require.Equal(t, 0, code)
	assert.True(t, strings.HasPrefix(out, "state: dialog (rule connectivity_failure)\ndialog: connectivity_failure\nhelp: "), out)
	assert.Contains(t, out, "ANTHROPIC_API_KEY")
}

// recordedTransitions is what check prints for the recorded session: the
// idle prompt, Enter (the title flips at 4.13 s), the permission question,
// the approval, the turn summary, /exit opening the command menu (no rule
// matches it) and the exit.
const recordedTransitions = `  0.756s  ready  (rule idle_prompt)
  4.133s  working  (rule busy_title)
 24.205s  waiting_input  (rule permission_question)  question: Do you want to create hello.txt?
 32.058s  working  (rule busy_footer)
 52.132s  turn_finished  (rule turn_summary)
 68.442s  unknown
 68.926s  exited  (rule exited)
`

func TestProfileCheckReplaysWithSessionTiming(t *testing.T) {
	code, out, errOut := runProfile("check", "--profile", "claude", filepath.Join(fixtureDir, "session-raw.bin"))

	require.Equal(t, 0, code, errOut)
	assert.Equal(t, recordedTransitions, out)
}

func TestProfileCheckReplaysWithTimingFlag(t *testing.T) {
	recording := copyFixture(t, "session-raw.bin", "claude.log")

	code, out, errOut := runProfile("check", "--profile", "claude",
		"--timing", filepath.Join(fixtureDir, "session-timing.txt"), recording)

	require.Equal(t, 0, code, errOut)
	assert.Equal(t, recordedTransitions, out)
}

func TestProfileCheckReplaysWithTimingBesideFile(t *testing.T) {
	recording := copyFixture(t, "session-raw.bin", "claude.log")
	timing, err := os.ReadFile(filepath.Join(fixtureDir, "session-timing.txt"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(recording+".timing", timing, 0o600))

	code, out, errOut := runProfile("check", "--profile", "claude", recording)

	require.Equal(t, 0, code, errOut)
	assert.Equal(t, recordedTransitions, out)
}

func TestProfileCheckRecordingWithoutTiming(t *testing.T) {
	recording := copyFixture(t, "session-raw.bin", "claude.log")

	code, out, errOut := runProfile("check", "--profile", "claude", recording)

	require.Equal(t, 0, code, errOut)
	assert.Equal(t, "state: exited (rule exited)\n", out)
}

func TestProfileCheckRejectsMismatchedTiming(t *testing.T) {
	recording := copyFixture(t, "session-raw.bin", "claude.log")
	timing := filepath.Join(t.TempDir(), "long.timing")
	require.NoError(t, os.WriteFile(timing, []byte("0.1 40000\n"), 0o600))

	code, _, errOut := runProfile("check", "--profile", "claude", "--timing", timing, recording)

	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "lists 40000 bytes")
}

func TestProfileCheckRejectsBadTimingLine(t *testing.T) {
	recording := copyFixture(t, "session-raw.bin", "claude.log")
	timing := filepath.Join(t.TempDir(), "bad.timing")
	require.NoError(t, os.WriteFile(timing, []byte("0.1 10\nO 0.2 10\n"), 0o600))

	code, _, errOut := runProfile("check", "--profile", "claude", "--timing", timing, recording)

	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, timing+":2:")
	assert.Contains(t, errOut, `"O 0.2 10"`)
}

func TestProfileCheckWithProfilesFile(t *testing.T) {
	profiles := filepath.Join(t.TempDir(), "profiles.yaml")
	require.NoError(t, os.WriteFile(profiles, []byte(`
profiles:
  - name: strict
    extends: claude
    states:
      - name: anything_busy
        state: working
        all: ["Welcome back!"]
      - name: idle
        state: ready
        pattern: '^❯'
      - name: summary
        state: turn_finished
        all: ["Baked for"]
`), 0o600))

	code, out, errOut := runProfile("check", "--profile", "strict", "--profiles", profiles,
		filepath.Join(fixtureDir, "06-idle-ready.txt"))

	require.Equal(t, 0, code, errOut)
	assert.Equal(t, "state: working (rule anything_busy)\n", out)
}

func TestProfileUsageErrors(t *testing.T) {
	screen := filepath.Join(fixtureDir, "06-idle-ready.txt")
	recording := filepath.Join(fixtureDir, "session-raw.bin")
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no subcommand", nil, "missing subcommand"},
		{"unknown subcommand", []string{"lint"}, `unknown subcommand "lint"`},
		{"missing profile", []string{"check", screen}, "--profile is missing"},
		{"unknown profile", []string{"check", "--profile", "claud", screen}, `"claud" not found`},
		{"missing file", []string{"check", "--profile", "claude"}, "one FILE"},
		{"two files", []string{"check", "--profile", "claude", screen, screen}, "got 2 arguments"},
		{"unknown flag", []string{"check", "--profil", "claude", screen}, "-profil"},
		{"list argument", []string{"list", "extra"}, `"extra"`},
		{"show without name", []string{"show"}, "one profile name"},
		{"missing timing", []string{"check", "--profile", "claude", "--timing", "/nonexistent/t", recording}, "--timing"},
		{"timing with screen", []string{"check", "--profile", "claude", "--timing", "/nonexistent/t", screen}, "remove --timing"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runProfile(tc.args...)

			assert.Equal(t, 2, code)
			assert.Empty(t, out)
			assert.Contains(t, errOut, tc.want)
		})
	}
}

func TestProfileCheckUnreadableFile(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.txt")

	code, _, errOut := runProfile("check", "--profile", "claude", missing)

	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, missing)
}

func TestProfileInvalidProfilesFile(t *testing.T) {
	profiles := filepath.Join(t.TempDir(), "profiles.yaml")
	require.NoError(t, os.WriteFile(profiles, []byte("profiles:\n  - name: x\n    extends: nope\n"), 0o600))

	code, _, errOut := runProfile("list", "--profiles", profiles)

	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, profiles+":2:")
}

func TestProfileHelp(t *testing.T) {
	code, out, _ := runProfile("help")

	assert.Equal(t, 0, code)
	assert.Contains(t, out, "axiom-mcp profile check --profile NAME")
}
