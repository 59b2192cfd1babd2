package main

import (
	"bytes"
	"context"
	"os/exec"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestUpstreamLoopNumbersEachLine(t *testing.T) {
	bin := buildAgent(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "upstream-loop:401")
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	err := cmd.Run()

	require.Error(t, err, "the loop runs until it is killed")
	assert.Contains(t, stdout.String(), "● Not logged in · Please run /login (retry 1)\n")
	assert.Contains(t, stdout.String(), "● Not logged in · Please run /login (retry 2)\n")
}

func TestUpstreamLoopNeedsKind(t *testing.T) {
	run := runAgent(t, buildAgent(t), t.TempDir(), "", "upstream-loop")

	assert.Equal(t, usageExitCode, run.exitCode)
	assert.Contains(t, run.stderr, "upstream-loop needs a kind: one of 401, 429, 529, toolong, usage")
}
