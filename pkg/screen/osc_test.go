package screen

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// filterAll passes each piece through one filter and joins the output.
func filterAll(f *oscFilter, pieces ...string) string {
	var out strings.Builder
	for _, piece := range pieces {
		out.Write(f.Filter([]byte(piece)))
	}
	return out.String()
}

func TestOSCFilterTakesTitles(t *testing.T) {
	cases := []struct {
		name   string
		pieces []string
		title  string
		out    string
	}{
		{"OSC 0 with BEL", []string{"a\x1b]0;✳ Claude Code\x07b"}, "✳ Claude Code", "ab"},
		{"OSC 2 with ST", []string{"\x1b]2;⠂ Mock task\x1b\\b"}, "⠂ Mock task", "b"},
		{"split inside the glyph", []string{"\x1b]0;\xe2\x9c", "\xb3 x\x07"}, "✳ x", ""},
		{"split after ESC", []string{"a\x1b", "]2;t\x07b"}, "t", "ab"},
		{"empty title", []string{"\x1b]0;\x07"}, "", ""},
		{"OSC 1 dropped", []string{"\x1b]1;icon\x07z"}, "unset", "z"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			title := "unset"
			f := &oscFilter{setTitle: func(s string) { title = s }}
			out := filterAll(f, tc.pieces...)
			assert.Equal(t, tc.out, out)
			assert.Equal(t, tc.title, title)
		})
	}
}

func TestOSCFilterPassesOtherBytes(t *testing.T) {
	cases := []struct {
		name   string
		pieces []string
		out    string
	}{
		{"CSI", []string{"\x1b[1mBold\x1b[0m"}, "\x1b[1mBold\x1b[0m"},
		{"CSI split after ESC", []string{"x\x1b", "[2J"}, "x\x1b[2J"},
		{"double ESC", []string{"\x1b\x1b[H"}, "\x1b\x1b[H"},
		{"UTF-8 text", []string{"✻ Baked for 40s"}, "✻ Baked for 40s"},
		{"colour query kept", []string{"\x1b]11;?\x07"}, "\x1b]11;?\x07"},
		{"hyperlink made ASCII", []string{"\x1b]8;;http://x/✳\x1b\\"}, "\x1b]8;;http://x/???\x1b\\"},
		{"ESC ends payload", []string{"\x1b]8;;u\x1b[1m"}, "\x1b]8;;u\x1b\\\x1b[1m"},
		{"CAN aborts payload", []string{"\x1b]8;;u\x18after"}, "after"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := &oscFilter{setTitle: func(string) {}}
			assert.Equal(t, tc.out, filterAll(f, tc.pieces...))
		})
	}
}

func TestOSCFilterDropsOversizedPayload(t *testing.T) {
	title := "unset"
	f := &oscFilter{setTitle: func(s string) { title = s }}
	long := "\x1b]2;" + strings.Repeat("t", maxOSCPayload+1) + "\x07after"

	assert.Equal(t, "after", filterAll(f, long))
	assert.Equal(t, "unset", title)
}

func TestOSCFilterResetDropsPartialSequence(t *testing.T) {
	f := &oscFilter{setTitle: func(string) {}}
	assert.Empty(t, filterAll(f, "\x1b]2;partial"))
	f.Reset()

	assert.Equal(t, "text", filterAll(f, "text"))
}
