package app

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestEmptyConfigDirIsDropped(t *testing.T) {
	env := dropEmptyConfigDir([]string{"A=1", "CLAUDE_CONFIG_DIR=", "B=2"}, nil)
	assert.Equal(t, []string{"A=1", "B=2"}, env)
}

func TestSetConfigDirIsKept(t *testing.T) {
	env := dropEmptyConfigDir([]string{"CLAUDE_CONFIG_DIR=/c"}, nil)
	assert.Equal(t, []string{"CLAUDE_CONFIG_DIR=/c"}, env)
}
