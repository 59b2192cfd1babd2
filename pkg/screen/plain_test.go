package screen

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

var plainCases = []struct {
	name, raw, want string
}{
	{name: "text passes", raw: "hello\nworld\n", want: "hello\nworld\n"},
	{name: "SGR removed", raw: "\x1b[1;31mred\x1b[0m text", want: "red text"},
	{name: "CR LF", raw: "a\r\nb\r\n", want: "a\nb\n"},
	{name: "lone CR", raw: "10%\r20%\r30%\n", want: "10%\n20%\n30%\n"},
	{name: "CR then erase line", raw: "10%\r\x1b[K20%", want: "10%\n20%"},
	{name: "indent after CR", raw: "abc\r  def", want: "abc\n  def"},
	{name: "OSC ended by BEL", raw: "\x1b]0;title\x07text", want: "text"},
	{name: "OSC ended by ST", raw: "\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", want: "link"},
	{name: "DCS", raw: "\x1bPq#0;2;0;0;0\x1b\\after", want: "after"},
	{name: "cursor forward", raw: "a\x1b[3Cb", want: "a   b"},
	{name: "cursor forward default", raw: "a\x1b[Cb", want: "a b"},
	{name: "cursor forward capped", raw: "a\x1b[9999Cb", want: "a" + strings.Repeat(" ", maxHeldSpaces) + "b"},
	{name: "cursor position", raw: "top\x1b[5;1Hbottom", want: "top\nbottom"},
	{name: "cursor up on empty line", raw: "\x1b[2Atext", want: "text"},
	{name: "trailing spaces", raw: "text   \nnext", want: "text\nnext"},
	{name: "spaces before a move", raw: "a  \x1b[2;1Hb", want: "a\nb"},
	{name: "charset designation", raw: "\x1b(Bplain", want: "plain"},
	{name: "keypad mode", raw: "\x1b=x", want: "x"},
	{name: "next line", raw: "a\x1bEb", want: "a\nb"},
	{name: "controls dropped", raw: "ab\x08\x07c", want: "abc"},
	{name: "tab kept", raw: "a\tb", want: "a\tb"},
	{name: "UTF-8 kept", raw: "✳ Claude Code ⎿ ✻\n", want: "✳ Claude Code ⎿ ✻\n"},
	{name: "CAN aborts CSI", raw: "\x1b[12\x18x", want: "x"},
	{name: "ESC restarts CSI", raw: "\x1b[1\x1b[31mx", want: "x"},
	{name: "ESC restarts string", raw: "\x1b]0;t\x1b[31mx", want: "x"},
	{name: "private mode", raw: "\x1b[?25lshown\x1b[?25h", want: "shown"},
	{name: "one empty line kept", raw: "a\n\nb", want: "a\n\nb"},
	{name: "empty lines collapse", raw: "a\n\n\n\nb\r\n\r\n\r\n", want: "a\n\nb\n\n"},
	{name: "column move", raw: "ab\x1b[6Gc", want: "ab   c"},
	{name: "column move back", raw: "abc\x1b[1Gx", want: "abc x"},
	{name: "column move at line start", raw: "\x1b[3Gx", want: "  x"},
	{name: "column after tab", raw: "a\tb\x1b[12Gc", want: "a\tb  c"},
	{name: "column after UTF-8", raw: "│\x1b[4Gx", want: "│  x"},
}

func TestPlainTextCases(t *testing.T) {
	for _, tc := range plainCases {
		t.Run(tc.name, func(t *testing.T) {
			var c PlainText

			got := c.Append(nil, []byte(tc.raw))

			assert.Equal(t, tc.want, string(got))
		})
	}
}

func TestPlainTextByteByByte(t *testing.T) {
	for _, tc := range plainCases {
		t.Run(tc.name, func(t *testing.T) {
			var c PlainText
			var got []byte
			for i := range len(tc.raw) {
				got = c.Append(got, []byte{tc.raw[i]})
			}

			assert.Equal(t, tc.want, string(got))
		})
	}
}

func TestPlainTextRecording(t *testing.T) {
	var c PlainText

	text := c.Append(nil, loadRecording(t))

	assert.NotContains(t, string(text), "\x1b", "no escape sequence is left")
	assert.Contains(t, string(text), "Hello from the mock model")
	assert.Contains(t, string(text), "I'll create the file hello.txt.")
	assert.Less(t, len(text), len(loadRecording(t)), "the text is shorter than the raw output")
}

func TestPlainTextRecordingInChunks(t *testing.T) {
	var whole, chunked PlainText
	want := whole.Append(nil, loadRecording(t))

	var got []byte
	for _, chunk := range loadTimedChunks(t) {
		got = chunked.Append(got, chunk.data)
	}

	assert.True(t, bytes.Equal(want, got), "the writes as recorded give the same text as one write")
}

func BenchmarkPlainTextRecording(b *testing.B) {
	raw := loadRecording(b)
	var c PlainText
	var out []byte
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		out = c.Append(out[:0], raw)
	}
}
