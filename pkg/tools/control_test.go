package tools

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestInterveneNoteNamesWhatTypingDoes(t *testing.T) {
	assert.Contains(t, interveneNote("working", "claude"), "Claude Code queues typed text")
	assert.Contains(t, interveneNote("working", "command"), "reads the text when it next reads its terminal")
	assert.Contains(t, interveneNote("dialog", "claude"), "the keys go to that dialog")
	assert.Empty(t, interveneNote("waiting_input", "claude"), "answering a question needs no note")
}
