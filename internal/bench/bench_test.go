package bench

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestPercentileNearestRank(t *testing.T) {
	samples := []time.Duration{5, 1, 4, 2, 3, 10, 9, 8, 7, 6}
	assert.Equal(t, time.Duration(5), Percentile(samples, 50))
	assert.Equal(t, time.Duration(10), Percentile(samples, 99))
	assert.Equal(t, time.Duration(1), Percentile(samples, 0))
	assert.Equal(t, time.Duration(5), samples[0], "the samples keep their order")
}

func TestPercentileOfNothingIsZero(t *testing.T) {
	assert.Zero(t, Percentile(nil, 50))
}

func TestMillisOneDecimal(t *testing.T) {
	assert.Equal(t, "12.3 ms", Millis(12345*time.Microsecond))
}

func TestUpdateSectionAppendsToAPageWithoutMarkers(t *testing.T) {
	row := Row{Result: Result{Name: "kill", Figure: "5 ms", Met: true}, Date: time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)}
	page := UpdateSection("# Benchmarks\n\ntext\n", []Row{row})
	assert.Contains(t, page, "text\n\n"+SectionStart+"\n")
	assert.Contains(t, page, "| kill | 5 ms |")
	assert.True(t, strings.HasSuffix(page, SectionEnd+"\n"), page)
}

func TestUpdateSectionReplacesOnlyTheRunRows(t *testing.T) {
	old := Row{Result: Result{Name: "kill", Figure: "9 ms", Note: "old kill note"}}
	other := Row{Result: Result{Name: "memory", Figure: "40 MiB", Note: "memory note"}}
	page := UpdateSection("# B\n\nbefore\n", []Row{old, other}) + "after\n"
	fresh := Row{Result: Result{Name: "kill", Figure: "5 ms", Met: true}}
	page = UpdateSection(page, []Row{fresh})
	assert.NotContains(t, page, "9 ms")
	assert.NotContains(t, page, "old kill note")
	assert.Contains(t, page, "| memory | 40 MiB |")
	assert.Contains(t, page, "- **memory**: memory note")
	assert.Contains(t, page, "| kill | 5 ms |")
	assert.True(t, strings.HasSuffix(page, SectionEnd+"\nafter\n"), page)
}

func TestMarkdownEscapesPipes(t *testing.T) {
	row := Row{Result: Result{Name: "a|b"}, Command: "x | y"}
	assert.Contains(t, row.Markdown(), `a\|b`)
	assert.Contains(t, row.Markdown(), "`x \\| y`")
}

func TestUpdateSectionKeepsTheOrderOfTheTable(t *testing.T) {
	a := Row{Result: Result{Name: "a", Figure: "1", Note: "note a"}}
	b := Row{Result: Result{Name: "b", Figure: "2", Note: "note b"}}
	page := UpdateSection("", []Row{a, b})
	a.Figure, a.Note = "3", "new note a"
	c := Row{Result: Result{Name: "c", Figure: "4"}}
	page = UpdateSection(page, []Row{c, a})
	assert.Less(t, strings.Index(page, "| a | 3 |"), strings.Index(page, "| b | 2 |"))
	assert.Less(t, strings.Index(page, "| b | 2 |"), strings.Index(page, "| c | 4 |"))
	assert.Less(t, strings.Index(page, "- **a**: new note a"), strings.Index(page, "- **b**: note b"))
}

func TestUpdateSectionStartsANewPageWithTheSection(t *testing.T) {
	page := UpdateSection("", []Row{{Result: Result{Name: "a"}}})
	assert.True(t, strings.HasPrefix(page, SectionStart), page)
}
