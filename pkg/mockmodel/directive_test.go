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
		{name: "write with key", prompt: "go [[write file=hello.txt]]", want: script{steps: []step{writeStep("hello.txt")}}},
		{name: "write shorthand", prompt: "[[write=a/b.go]]", want: script{steps: []step{writeStep("a/b.go")}}},
		{name: "quoted value", prompt: `[[write file="my notes.txt"]]`, want: script{steps: []step{writeStep("my notes.txt")}}},
		{name: "spaces inside brackets", prompt: "[[  write   file=x.md  ]]", want: script{steps: []step{writeStep("x.md")}}},
		{name: "writes kept in order", prompt: "[[write file=a.txt]] [[write file=b.txt]]", want: script{steps: []step{writeStep("a.txt"), writeStep("b.txt")}}},
		{name: "write files", prompt: "[[write files=3]]", want: script{steps: []step{writeStep("file-1.txt"), writeStep("file-2.txt"), writeStep("file-3.txt")}}},
		{name: "delay shorthand", prompt: "[[delay=2]]", want: script{delay: 2 * time.Second}},
		{name: "delay with key", prompt: "[[delay seconds=0.25]]", want: script{delay: 250 * time.Millisecond}},
		{name: "write and delay", prompt: "[[delay=1]] create [[write file=z.txt]]", want: script{steps: []step{writeStep("z.txt")}, delay: time.Second}},
		{name: "first delay wins", prompt: "[[delay=1]] [[delay=2]]", want: script{delay: time.Second}},
		{name: "think", prompt: "[[think seconds=0.2]]", want: script{think: 200 * time.Millisecond}},
		{name: "bash with description", prompt: `[[bash command="echo hi > ran.txt" description="Write ran.txt"]]`,
			want: script{steps: []step{{kind: stepBash, command: "echo hi > ran.txt", description: "Write ran.txt"}}}},
		{name: "bash default description", prompt: `[[bash command=ls]]`,
			want: script{steps: []step{{kind: stepBash, command: "ls", description: defaultBashDescription}}}},
		{name: "two bash steps in order", prompt: `[[bash=ls]] then [[bash=pwd]]`,
			want: script{steps: []step{{kind: stepBash, command: "ls", description: defaultBashDescription}, {kind: stepBash, command: "pwd", description: defaultBashDescription}}}},
		{name: "edit reads first", prompt: "[[edit file=notes.txt]]",
			want: script{steps: []step{{kind: stepRead, file: "notes.txt"}, {kind: stepEdit, file: "notes.txt"}}}},
		{name: "todo", prompt: "[[todo items=3]]", want: script{steps: []step{{kind: stepTodo, count: 3}}}},
		{name: "research", prompt: "[[research steps=3]]", want: script{steps: []step{
			{kind: stepSearch, pattern: ".", ordinal: 1},
			{kind: stepBrowse, pattern: ".", ordinal: 1},
			{kind: stepSearch, pattern: ".", ordinal: 2},
		}}},
		{name: "research pattern", prompt: `[[research steps=1 pattern="func main"]]`, want: script{steps: []step{{kind: stepSearch, pattern: "func main", ordinal: 1}}}},
		{name: "steps in prompt order", prompt: "[[bash=ls]] [[write file=a.txt]] [[todo=1]]", want: script{steps: []step{
			{kind: stepBash, command: "ls", description: defaultBashDescription}, writeStep("a.txt"), {kind: stepTodo, count: 1},
		}}},
		{name: "stall", prompt: "[[stall]]", want: script{stall: &stallSpec{}}},
		{name: "stall times", prompt: "[[stall times=2]]", want: script{stall: &stallSpec{times: 2}}},
		{name: "error status", prompt: "[[error status=529]]", want: script{failure: &failureSpec{err: errorOfKind("overloaded")}}},
		{name: "error shorthand", prompt: "[[error=429 times=3]]", want: script{failure: &failureSpec{err: errorOfKind("rate_limit"), times: 3}}},
		{name: "error kind", prompt: "[[error kind=prompt_too_long times=1]]", want: script{failure: &failureSpec{err: errorOfKind("prompt_too_long"), times: 1}}},
		{name: "unknown name ignored", prompt: "see [[Wiki Page]] and [[other=1]]", want: script{}},
		{name: "single brackets ignored", prompt: "[write file=x.txt]", want: script{}},
		{name: "empty brackets ignored", prompt: "[[]]", want: script{}},
		{name: "write without file", prompt: "[[write]]", wantErr: "missing file name"},
		{name: "write empty file", prompt: "[[write file=]]", wantErr: "missing file name"},
		{name: "write file and files", prompt: "[[write file=a.txt files=2]]", wantErr: "keys file and files cannot be combined"},
		{name: "write files zero", prompt: "[[write files=0]]", wantErr: `invalid files "0": use a whole number from 1 to 100`},
		{name: "write files too many", prompt: "[[write files=101]]", wantErr: `invalid files "101"`},
		{name: "argument without value", prompt: "[[write hello.txt]]", wantErr: `argument "hello.txt" is not key=value`},
		{name: "unknown key", prompt: "[[write path=x.txt]]", wantErr: `unknown key "path": known keys are file, files`},
		{name: "error names directive", prompt: "[[write path=x.txt]]", wantErr: "directive [[write path=x.txt]]"},
		{name: "duplicate key", prompt: "[[write file=a.txt file=b.txt]]", wantErr: `key "file" is given twice`},
		{name: "unterminated quote", prompt: `[[write file="a.txt]]`, wantErr: "unterminated double quote"},
		{name: "delay not a number", prompt: "[[delay=soon]]", wantErr: `invalid seconds "soon"`},
		{name: "delay negative", prompt: "[[delay=-1]]", wantErr: `invalid seconds "-1"`},
		{name: "delay too long", prompt: "[[delay=601]]", wantErr: `invalid seconds "601"`},
		{name: "delay NaN", prompt: "[[delay=NaN]]", wantErr: `invalid seconds "NaN"`},
		{name: "delay without seconds", prompt: "[[delay]]", wantErr: "missing seconds: write [[delay=N]]"},
		{name: "think without seconds", prompt: "[[think]]", wantErr: "missing seconds: write [[think=N]]"},
		{name: "think too long", prompt: "[[think=700]]", wantErr: `invalid seconds "700"`},
		{name: "bash without command", prompt: "[[bash]]", wantErr: `missing command: write [[bash command="CMD"]]`},
		{name: "bash blank command", prompt: `[[bash command=" "]]`, wantErr: "missing command"},
		{name: "edit without file", prompt: "[[edit]]", wantErr: "missing file name: write [[edit file=NAME]]"},
		{name: "todo without items", prompt: "[[todo]]", wantErr: "missing items"},
		{name: "todo items not a number", prompt: "[[todo items=few]]", wantErr: `invalid items "few"`},
		{name: "research without steps", prompt: "[[research]]", wantErr: "missing steps"},
		{name: "research empty pattern", prompt: `[[research steps=2 pattern=""]]`, wantErr: "empty pattern"},
		{name: "stall times zero", prompt: "[[stall times=0]]", wantErr: `invalid times "0"`},
		{name: "stall unknown key", prompt: "[[stall seconds=1]]", wantErr: `unknown key "seconds": known keys are times`},
		{name: "error without status", prompt: "[[error]]", wantErr: "missing status or kind"},
		{name: "error unknown status", prompt: "[[error status=500]]", wantErr: `invalid status "500": use one of 400, 401, 429, 529`},
		{name: "error unknown kind", prompt: "[[error kind=server]]", wantErr: `invalid kind "server": use one of authentication, overloaded, prompt_too_long, rate_limit`},
		{name: "error status and kind", prompt: "[[error status=529 kind=overloaded]]", wantErr: "keys status and kind cannot be combined"},
		{name: "error times invalid", prompt: "[[error status=529 times=x]]", wantErr: `invalid times "x"`},
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

// writeStep returns a write step for name.
func writeStep(name string) step {
	return step{kind: stepWrite, file: name}
}

// errorOfKind returns a copy of the scripted error of kind.
func errorOfKind(kind string) *apiError {
	found := scriptedErrors[kind]
	return &found
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

func TestPaceHoldsRepliesAfterToolResults(t *testing.T) {
	settings, err := parseScript("Look [[pace=1.5]] [[research steps=3]]")
	require.NoError(t, err)
	assert.Equal(t, 1500*time.Millisecond, settings.pace)
}

func TestTalkAndAfterParsed(t *testing.T) {
	settings, err := parseScript("Explain [[talk=2.5]] [[error status=401 after=3]]")
	require.NoError(t, err)
	assert.Equal(t, 2500*time.Millisecond, settings.talk)
	require.NotNil(t, settings.failure)
	assert.Equal(t, 3, settings.failure.after)
}

func TestTalkAndAfterRejectBadValues(t *testing.T) {
	_, err := parseScript("Explain [[talk seconds=601]]")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `invalid seconds "601": use a number from 0 to 600`)

	_, err = parseScript("Explain [[error status=401 after=0]]")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `invalid after "0": use a whole number from 1 to 100`)
}
