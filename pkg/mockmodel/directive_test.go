package mockmodel

import (
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseScript(t *testing.T) {
	cases := []struct {
		name    string
		prompt  string
		want    script
		wantErr string
	}{
		{name: "no directives", prompt: "create hello.txt", want: script{}},
		{name: "write with key", prompt: "go [[write file=hello.txt]]", want: script{writeFile: "hello.txt"}},
		{name: "write shorthand", prompt: "[[write=a/b.go]]", want: script{writeFile: "a/b.go"}},
		{name: "quoted value", prompt: `[[write file="my notes.txt"]]`, want: script{writeFile: "my notes.txt"}},
		{name: "spaces inside brackets", prompt: "[[  write   file=x.md  ]]", want: script{writeFile: "x.md"}},
		{name: "first write wins", prompt: "[[write file=a.txt]] [[write file=b.txt]]", want: script{writeFile: "a.txt"}},
		{name: "delay shorthand", prompt: "[[delay=2]]", want: script{delay: 2 * time.Second}},
		{name: "delay with key", prompt: "[[delay seconds=0.25]]", want: script{delay: 250 * time.Millisecond}},
		{name: "write and delay", prompt: "[[delay=1]] create [[write file=z.txt]]", want: script{writeFile: "z.txt", delay: time.Second}},
		{name: "unknown name ignored", prompt: "see [[Wiki Page]] and [[other=1]]", want: script{}},
		{name: "single brackets ignored", prompt: "[write file=x.txt]", want: script{}},
		{name: "empty brackets ignored", prompt: "[[]]", want: script{}},
		{name: "write without file", prompt: "[[write]]", wantErr: "missing file name"},
		{name: "write empty file", prompt: "[[write file=]]", wantErr: "missing file name"},
		{name: "argument without value", prompt: "[[write hello.txt]]", wantErr: `argument "hello.txt" is not key=value`},
		{name: "unknown key", prompt: "[[write path=x.txt]]", wantErr: `unknown key "path"`},
		{name: "duplicate key", prompt: "[[write file=a.txt file=b.txt]]", wantErr: `key "file" is given twice`},
		{name: "unterminated quote", prompt: `[[write file="a.txt]]`, wantErr: "unterminated double quote"},
		{name: "delay not a number", prompt: "[[delay=soon]]", wantErr: `invalid seconds "soon"`},
		{name: "delay negative", prompt: "[[delay=-1]]", wantErr: `invalid seconds "-1"`},
		{name: "delay too long", prompt: "[[delay=601]]", wantErr: `invalid seconds "601"`},
		{name: "delay NaN", prompt: "[[delay=NaN]]", wantErr: `invalid seconds "NaN"`},
		{name: "delay without seconds", prompt: "[[delay]]", wantErr: "missing seconds"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseScript(tc.prompt)

			if tc.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestParseDirectivesOrder(t *testing.T) {
	directives, err := parseDirectives("a [[delay=1]] b [[write file=x.txt]] c [[delay seconds=2]]")
	require.NoError(t, err)
	names := make([]string, len(directives))
	for i, d := range directives {
		names[i] = d.name
	}

	assert.Equal(t, []string{"delay", "write", "delay"}, names)
	assert.Equal(t, map[string]string{"seconds": "2"}, directives[2].args)
	assert.Equal(t, "[[write file=x.txt]]", directives[1].text)
}

func TestFirstFileName(t *testing.T) {
	cases := map[string]string{
		"create hello.txt":              "hello.txt",
		"write (src/app.go), please":    "src/app.go",
		"version 1.5 and notes.md.":     "notes.md",
		"no file here.":                 "",
		"rename e2e_test.go to x":       "e2e_test.go",
		"path /abs/dir/file.yaml works": "/abs/dir/file.yaml",
	}
	for text, want := range cases {
		assert.Equal(t, want, firstFileName(text), "text %q", text)
	}
}

func TestSplitChunksKeepsRunes(t *testing.T) {
	text := `{"content":"héllo “wörld”"}`

	chunks := splitChunks(text, 3)
	joined := ""
	for _, chunk := range chunks {
		joined += chunk
	}

	assert.Len(t, chunks, 3)
	assert.Equal(t, text, joined)
	for _, chunk := range chunks {
		assert.True(t, utf8.ValidString(chunk), "chunk %q", chunk)
	}
}
