package screen

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMeaningfulChanges(t *testing.T) {
	cases := []struct {
		name      string
		prev, cur []string
		want      int
	}{
		{
			name: "spinner glyph, timer and tokens change",
			prev: []string{"✻ Hullaballooing… (22s · ↑ 31 tokens)"},
			cur:  []string{"✽ Hullaballooing… (23s · ↑ 35 tokens)"},
			want: 0,
		},
		{
			name: "braille spinner rotates",
			prev: []string{"⠋ Building"},
			cur:  []string{"⠙ Building"},
			want: 0,
		},
		{
			name: "new text line",
			prev: []string{"● I'll create the file hello.txt."},
			cur:  []string{"● I'll create the file hello.txt.", "● Write(hello.txt)"},
			want: 1,
		},
		{
			name: "identical screens",
			prev: []string{"a", "", "b"},
			cur:  []string{"a", "", "b"},
			want: 0,
		},
		{
			name: "scrolled by one line",
			prev: []string{"line a", "line b", "line c"},
			cur:  []string{"line b", "line c", "line d"},
			want: 1,
		},
		{
			name: "empty and blank rows",
			prev: []string{"x"},
			cur:  []string{"x", "", "    ", "✻ 12"},
			want: 0,
		},
		{
			name: "text replaced",
			prev: []string{"hello"},
			cur:  []string{"world"},
			want: 1,
		},
		{
			name: "whitespace differs only",
			prev: []string{"a  b "},
			cur:  []string{"  a b"},
			want: 0,
		},
		{
			name: "empty previous screen",
			prev: nil,
			cur:  []string{"one", "two"},
			want: 2,
		},
		{
			name: "counter rewritten in place",
			prev: []string{"step 41 of 90"},
			cur:  []string{"step 42 of 90"},
			want: 1,
		},
		{
			name: "counter printed on new lines",
			prev: []string{"chatter 40: still thinking", "chatter 41: still thinking"},
			cur:  []string{"chatter 41: still thinking", "chatter 42: still thinking"},
			want: 1,
		},
		{
			name: "each counter row counts once",
			prev: []string{"done 1", "left 9"},
			cur:  []string{"done 2", "left 8"},
			want: 2,
		},
		{
			name: "bash timer rises",
			prev: []string{"● Bash(sleep 6)", "  ⎿  Running… (3s)"},
			cur:  []string{"● Bash(sleep 6)", "  ⎿  Running… (4s)"},
			want: 0,
		},
		{
			name: "retry countdown",
			prev: []string{"✻ API error · Retrying in 9s · attempt 1/3"},
			cur:  []string{"✽ API error · Retrying in 8s · attempt 1/3"},
			want: 0,
		},
		{
			name: "timer in minutes",
			prev: []string{"· Galloping… (1m 6s · ↓ 3 tokens)"},
			cur:  []string{"✢ Galloping… (1m 7s · ↓ 3 tokens)"},
			want: 0,
		},
		{
			name: "token count without glyph",
			prev: []string{"streamed 1.1k tokens"},
			cur:  []string{"streamed 1.2k tokens"},
			want: 0,
		},
		{
			name: "status row with separator",
			prev: []string{"  Context 12% · /compact"},
			cur:  []string{"  Context 13% · /compact"},
			want: 0,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, MeaningfulChanges(tc.prev, tc.cur))
		})
	}
}
