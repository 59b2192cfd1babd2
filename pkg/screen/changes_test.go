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
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, MeaningfulChanges(tc.prev, tc.cur))
		})
	}
}
