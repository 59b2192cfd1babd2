package screen

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// claudeFixtures is the directory of screens captured from Claude Code
// 2.1.197 in tmux, which the profile tests classify.
const claudeFixtures = "../profile/testdata"

// claudeProgressRow matches the rows that Claude Code 2.1.197 redraws while
// it works: the spinner row ("✶ Hullaballooing… (22s · ↑ 31 tokens)", "✻ API
// error · Retrying in 1s") and the timer row of a running Bash command ("⎿
// Running… (3s)"). It is written from the fixtures, apart from the rule
// under test.
var claudeProgressRow = regexp.MustCompile(`^[·*✢✶✻✽] |^\s*⎿\s+Running…`)

var number = regexp.MustCompile(`\d+`)

// nextTick returns row as Claude Code draws it a second later: every number
// one higher and the spinner glyph at its next frame.
func nextTick(row string) string {
	row = number.ReplaceAllStringFunc(row, func(digits string) string {
		n, _ := strconv.Atoi(digits)
		return strconv.Itoa(n + 1)
	})
	frames := []rune("·*✢✶✻✽")
	for i, frame := range frames {
		if strings.HasPrefix(row, string(frame)) {
			return string(frames[(i+1)%len(frames)]) + row[len(string(frame)):]
		}
	}
	return row
}

func loadFixture(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return strings.Split(strings.TrimRight(string(data), "\n"), "\n")
}

func TestClaudeProgressRowsDoNotCount(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join(claudeFixtures, "*.txt"))
	require.NoError(t, err)
	require.NotEmpty(t, paths)

	advanced := 0
	for _, path := range paths {
		prev := loadFixture(t, path)
		cur := make([]string, len(prev))
		for i, row := range prev {
			cur[i] = row
			if claudeProgressRow.MatchString(row) {
				cur[i] = nextTick(row)
				advanced++
			}
		}
		assert.Equal(t, 0, MeaningfulChanges(prev, cur), "%s: a progress row counted", filepath.Base(path))
	}
	assert.GreaterOrEqual(t, advanced, 10, "the fixtures hold progress rows to advance")
}

func TestCounterOnClaudeScreenCounts(t *testing.T) {
	prev := loadFixture(t, filepath.Join(claudeFixtures, "15-busy-tasks.txt"))
	cur := make([]string, len(prev))
	for i, row := range prev {
		cur[i] = row
		if claudeProgressRow.MatchString(row) {
			cur[i] = nextTick(row)
		}
	}
	row := rowIndex(t, cur, "● I'll create task 12 of 12.")
	cur[row] = "● I'll create task 13 of 12."

	assert.Equal(t, 1, MeaningfulChanges(prev, cur), "only the counter printed by the agent counts")
}

func rowIndex(t *testing.T, rows []string, want string) int {
	t.Helper()
	for i, row := range rows {
		if row == want {
			return i
		}
	}
	require.Failf(t, "row missing", "no row %q", want)
	return -1
}

// busyPhases are the stretches of the recorded session in which Claude Code
// showed its spinner while the scripted server held its reply, from the
// recording's notes, with a second of margin at each end.
var busyPhases = [][2]time.Duration{
	{5 * time.Second, 23 * time.Second},
	{34 * time.Second, 51 * time.Second},
}

// newTextRows counts the rows of cur whose text without digits and spinner
// glyphs is on no row of prev: the rows that count under any rule.
func newTextRows(prev, cur []string) int {
	seen := make(map[string]bool, len(prev))
	for _, row := range prev {
		seen[normaliseRow(row)] = true
	}
	n := 0
	for _, row := range cur {
		if norm := normaliseRow(row); norm != "" && !seen[norm] {
			n++
		}
	}
	return n
}

// TestReplayBusySpinnerDoesNotCount replays the recorded session and takes
// the screen once a second. While the spinner only rotates and its timer
// rises, no row counts. Rows with new text, such as the token count that
// appears once the reply starts, count as before.
func TestReplayBusySpinnerDoesNotCount(t *testing.T) {
	s := startScreen(t, Options{})
	snapshots := make(map[int][]string)
	second := 1
	for _, chunk := range loadTimedChunks(t) {
		for chunk.at >= time.Duration(second)*time.Second {
			snapshots[second] = s.Lines()
			second++
		}
		writeAll(t, s, chunk.data)
		flush(t, s)
	}

	redrawn := 0
	for _, phase := range busyPhases {
		for n := int(phase[0].Seconds()) + 1; n <= int(phase[1].Seconds()); n++ {
			prev, cur := snapshots[n-1], snapshots[n]
			require.NotNil(t, cur, "no snapshot at %ds", n)
			assert.Equal(t, newTextRows(prev, cur), MeaningfulChanges(prev, cur), "at %ds:\n%s", n, strings.Join(cur, "\n"))
			if newTextRows(prev, cur) == 0 && strings.Join(prev, "\n") != strings.Join(cur, "\n") {
				redrawn++
			}
		}
	}
	assert.GreaterOrEqual(t, redrawn, 30, "seconds in which only the spinner changed")
}
