package tui

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestParseKeys(t *testing.T) {
	got := ParseKeys([]byte("\x1b[A\x1b[Bjk\r\x1bq\x03x\x7f"))

	want := []Key{KeyUp, KeyDown, KeyDown, KeyUp, KeyEnter, KeyBack, KeyQuit, KeyQuit, KeyBack}
	assert.Equal(t, want, got)
}

func TestBrowserOpensSelectedScreen(t *testing.T) {
	rows := sampleRows()
	var b Browser

	assert.False(t, b.Apply(KeyDown, rows))
	assert.False(t, b.Apply(KeyEnter, rows))
	assert.Equal(t, "i-2", b.Open)

	b.Apply(KeyBack, rows)
	assert.Empty(t, b.Open)
	assert.True(t, b.Apply(KeyQuit, rows))
}

func TestBrowserKeepsSelectionInRange(t *testing.T) {
	rows := sampleRows()
	b := Browser{}

	b.Apply(KeyUp, rows)
	assert.Equal(t, 0, b.Selected)
	for range 5 {
		b.Apply(KeyDown, rows)
	}
	assert.Equal(t, 2, b.Selected)

	b.Apply(KeyEnter, rows)
	assert.Empty(t, b.Open, "a task without an instance has no screen")
	b.Apply(KeyEnter, nil)
	assert.Empty(t, b.Open)
}

func TestScreenLinesKeepsLastRows(t *testing.T) {
	got := ScreenLines("i-1 working", []string{"one", "two", "three\x1b"}, 20, 3)

	assert.Equal(t, []string{"i-1 working", "two", "three "}, got)
}
