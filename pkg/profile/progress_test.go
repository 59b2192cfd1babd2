package profile

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// counterScreens lists the Claude Code 2.1.197 captures in testdata whose
// busy line has a counter, with the values it shows.
var counterScreens = []struct {
	name    string
	seconds int
	tokens  int
	line    string
}{
	// [[stall]]: one text delta, then a stream that stays open.
	{"12-busy-stall-counter", 10, 3, "· Thundering… (10s · ↓ 3 tokens)"},
	// A text reply streamed at one delta every 300 ms.
	{"13-busy-streaming", 13, 1200, "· Billowing… (13s · ↓ 1.2k tokens)"},
	// After a Bash call, while the next request waits 12 s for its reply.
	{"14-busy-awaiting-reply", 5, 20, "✻ Combobulating… (5s · ↑ 20 tokens)"},
	// A running Bash call with a task list drawn under the busy line.
	{"15-busy-tasks", 4, 527, "✽ Lollygagging… (4s · ↓ 527 tokens)"},
	// [[stall]] past one minute.
	{"16-busy-minutes", 66, 3, "· Galloping… (1m 6s · ↓ 3 tokens)"},
	// [[delay=30]]: no byte from the server yet, so only the time shows,
	// from 16 s on.
	{"18-busy-silent-time-only", 20, 0, "· Processing… (20s)"},
	// [[think seconds=30]]: message_start but no content yet, which looks
	// the same as silence.
	{"19-busy-think-time-only", 22, 0, "· Incubating… (22s)"},
}

func TestProgressTextFixtures(t *testing.T) {
	p := claudeProfile(t)
	for _, tc := range counterScreens {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := p.Progress(readTextScreen(t, tc.name+".txt"))

			require.True(t, ok)
			assert.Equal(t, tc.seconds, got.Seconds)
			assert.Equal(t, tc.tokens, got.Tokens)
			assert.Equal(t, tc.line, got.Line)
		})
	}
}

func TestProgressRenderedANSIFixtures(t *testing.T) {
	p := claudeProfile(t)
	for _, tc := range counterScreens {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := p.Progress(renderANSIScreen(t, tc.name+".ansi"))

			require.True(t, ok)
			assert.Equal(t, tc.seconds, got.Seconds)
			assert.Equal(t, tc.tokens, got.Tokens)
		})
	}
}

func TestProgressAbsentWithoutCounter(t *testing.T) {
	// 07 and 08: busy before any reply tokens arrived, so the busy line has
	// no counter. 17: a retry line, which has none either.
	names := []string{"06-idle-ready", "07-busy-early", "08-busy-thinking", "09-permission-write",
		"10-idle-turn-finished", "17-busy-retry"}
	p := claudeProfile(t)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			_, okText := p.Progress(readTextScreen(t, name+".txt"))
			_, okANSI := p.Progress(renderANSIScreen(t, name+".ansi"))

			assert.False(t, okText, "text capture")
			assert.False(t, okANSI, "rendered capture")
		})
	}
}

func TestProgressReplayedSession(t *testing.T) {
	// The recorded session's first request was held for 20 s. The counter
	// shows only the time from 16 s on, and the tokens once the reply
	// arrived.
	p := claudeProfile(t)
	s := startScreen(t)
	var first, firstTokens *Progress
	for _, chunk := range loadRecording(t) {
		feed(t, s, chunk.data)
		got, ok := p.Progress(s.Lines())
		if ok && first == nil {
			first = &got
		}
		if ok && got.Tokens > 0 {
			firstTokens = &got
			break
		}
	}

	require.NotNil(t, first, "no counter in the recording")
	require.NotNil(t, firstTokens, "no token count in the recording")
	assert.Equal(t, 16, first.Seconds)
	assert.Equal(t, 0, first.Tokens)
	assert.Equal(t, 20, firstTokens.Seconds)
	assert.Equal(t, 31, firstTokens.Tokens)
}

func TestProgressHoursAndLargeCounts(t *testing.T) {
	p := claudeProfile(t)
	lines := []string{"✻ Pondering… (1h 2m 3s · ↓ 12.3k tokens)", "", "❯ ", "  esc to interrupt"}

	got, ok := p.Progress(lines)

	require.True(t, ok)
	assert.Equal(t, 3723, got.Seconds)
	assert.Equal(t, 12300, got.Tokens)
}

func TestProgressSearchesOnlyBottomLines(t *testing.T) {
	p := claudeProfile(t)
	lines := []string{"✻ Pondering… (3s · ↓ 9 tokens)"}
	for range progressBottom {
		lines = append(lines, "transcript text")
	}

	_, ok := p.Progress(lines)

	assert.False(t, ok)
}

func TestProgressWithoutPattern(t *testing.T) {
	p, err := Defaults().Lookup("codex")
	require.NoError(t, err)

	_, ok := p.Progress(readTextScreen(t, "13-busy-streaming.txt"))

	assert.False(t, ok)
}

func TestProgressPatternWithoutGroups(t *testing.T) {
	p := validProfile()
	p.ProgressPattern = `working`
	require.NoError(t, p.Validate())

	got, ok := p.Progress([]string{"still working"})

	require.True(t, ok)
	assert.Equal(t, Progress{Line: "still working"}, got)
}

func TestParseTokens(t *testing.T) {
	cases := []struct {
		text string
		want int
	}{
		{"31", 31},
		{"1.2k", 1200},
		{"1.25k", 1250},
		{"980", 980},
		{"2,048", 2048},
		{"1.5m", 1500000},
	}
	for _, c := range cases {
		got, ok := parseTokens(c.text)

		require.True(t, ok, c.text)
		assert.Equal(t, c.want, got, c.text)
	}
}

func TestParseTokensRejectsText(t *testing.T) {
	for _, text := range []string{"", "k", "many", "-3"} {
		_, ok := parseTokens(text)

		assert.False(t, ok, text)
	}
}

func TestValidateRejectsProgress(t *testing.T) {
	cases := []struct {
		name    string
		pattern string
		message string
	}{
		{"invalid syntax", `(\d+s`, "not a valid RE2 regular expression"},
		{"unknown group", `(?P<second>\d+)s`, `group named "second"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := validProfile()
			p.ProgressPattern = c.pattern

			err := p.Validate()

			require.Error(t, err)
			assert.Contains(t, err.Error(), c.message)
		})
	}
}

func TestLoadProgressFromFile(t *testing.T) {
	path := writeProfiles(t, `profiles:
  - name: mine
    extends: claude
    progress: '^busy (?P<seconds>\d+)s'
`)
	set, err := Load(path, Defaults())
	require.NoError(t, err)
	p, err := set.Lookup("mine")
	require.NoError(t, err)

	got, ok := p.Progress([]string{"busy 7s"})

	require.True(t, ok)
	assert.Equal(t, 7, got.Seconds)
}
