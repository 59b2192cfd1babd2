package watch

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestOptionsCounts(t *testing.T) {
	for rel, want := range map[string]bool{
		"src/main.go":             true,
		"README.md":               true,
		"node_modules/x/index.js": false,
		"a/.git/HEAD":             false,
		"main.go.tmp.4242.1a2b3c": false,
		"notes.txt~":              false,
		"build.gradle":            true,
		"pkg/build/out.o":         false,
	} {
		assert.Equal(t, want, Options{}.Counts(rel), rel)
	}
	assert.True(t, Options{Ignore: []string{}}.Counts("node_modules/x.js"), "an empty ignore list ignores nothing")
}
