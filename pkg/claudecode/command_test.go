package claudecode

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCommandKind(t *testing.T) {
	cases := map[string]Kind{
		"grep -rlI -e 'x' -- '/w'":   KindResearch,
		"ls -la && cat a.go | wc -l": KindResearch,
		"git log --oneline":          KindResearch,
		"go test ./...":              KindRun,
		"echo hi > ran.txt":          KindRun,
		"grep x a.go; rm a.go":       KindRun,
		"sed -i s/a/b/ f":            KindRun,
		"sed -n 1,5p f":              KindResearch,
		"":                           KindRun,
	}
	for command, want := range cases {
		assert.Equal(t, want, commandKind(command), command)
	}
}

func TestCallKindReadsBashCommand(t *testing.T) {
	assert.Equal(t, KindResearch, callKind("Bash", []byte(`{"command":"find . -name '*.go'"}`)))
	assert.Equal(t, KindRun, callKind("Bash", []byte(`{"command":"make"}`)))
	assert.Equal(t, KindCode, callKind("Write", []byte(`{"file_path":"a"}`)))
}
