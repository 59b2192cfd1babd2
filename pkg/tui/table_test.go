package tui

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
)

func sampleRows() []Row {
	return []Row{
		{Instance: "i-1", Task: "productive", State: "working", Score: 80, History: []int{20, 50, 80},
			Files: 3, LastLine: "wrote file-3.txt"},
		{Instance: "i-2", Task: "a-very-long-task-name", State: "killed", Score: 5, History: []int{40, 5},
			LastLine: "killed: idle for 30s"},
		{Instance: "-", Task: "later", State: "queued"},
	}
}

func TestRenderTableGolden(t *testing.T) {
	want := []string{
		"  INSTANCE     TASK             STATE         SCORE          SCORE OVER TIME      FILES LAST LINE",
		"  i-1          productive       working       ████████░░  80                  ▂▅▇     3 wrote file-3.txt",
		"> i-2          a-very-long-tas… killed        █░░░░░░░░░   5                   ▄▁     0 killed: idle for 30s",
		"  -            later            queued        ░░░░░░░░░░   0                          0 ",
	}
	got := RenderTable(sampleRows(), 120, 1)
	require.Len(t, got, len(want))
	for i := range want {
		assert.Equal(t, want[i], got[i], "line %d", i)
	}
}

func TestRenderRowCutsLastLine(t *testing.T) {
	row := Row{Instance: "i-1", Task: "t", State: "working", LastLine: strings.Repeat("x", 200)}

	got := RenderRow(row, 100, false)

	assert.Equal(t, 100, utf8.RuneCountInString(got))
	assert.True(t, strings.HasSuffix(got, "x…"), got)
}

func TestRenderRowNarrowTerminal(t *testing.T) {
	got := RenderRow(sampleRows()[0], 30, false)

	assert.Equal(t, "  i-1          productive    …", got)
}

func TestRenderRowRemovesControlBytes(t *testing.T) {
	row := Row{Instance: "i-1", Task: "t\x1b[2J", State: "working", LastLine: "a\x1b[31mred\tb"}

	got := RenderRow(row, 120, false)

	assert.NotContains(t, got, "\x1b")
	assert.Contains(t, got, "a [31mred b")
}

func TestComposeGolden(t *testing.T) {
	view := View{
		Title:    "axiom-mcp run: 3 tasks",
		Pool:     executor.PoolInfo{Running: 1, Queued: 1, Failed: 1},
		Rows:     sampleRows(),
		Events:   []string{"12:00:01  warn    t-2/i-2                killed: idle"},
		Selected: -1,
		Help:     "q quit",
	}
	want := []string{
		"axiom-mcp run: 3 tasks",
		"pool: 1 running, 1 queued, 0 succeeded, 1 failed, 0 cancelled, 0 blocked",
		"  INSTANCE     TASK             STATE         SCORE          SCORE OVER TIME      FILES LAST LINE",
		"  i-1          productive       working       ████████░░  80                  ▂▅▇     3 wrote file-3.txt",
		"  i-2          a-very-long-tas… killed        █░░░░░░░░░   5                   ▄▁     0 killed: idle for 30s",
		"  -            later            queued        ░░░░░░░░░░   0                          0 ",
		"",
		"12:00:01  warn    t-2/i-2                killed: idle",
		"q quit",
	}
	assert.Equal(t, want, Compose(view, 120, 40))
}

func TestComposeHidesRowsThatDoNotFit(t *testing.T) {
	var rows []Row
	for i := range 10 {
		rows = append(rows, Row{Instance: string(rune('a' + i)), Task: "t", State: "working"})
	}
	view := View{Title: "top", Rows: rows, Selected: 9}

	got := Compose(view, 120, 7)

	require.Len(t, got, 7)
	assert.True(t, strings.HasPrefix(got[len(got)-2], "> j "), got[len(got)-2])
	assert.Equal(t, "  … 7 more rows", got[len(got)-1])
}

func TestRowsFromStatus(t *testing.T) {
	ended := time.Unix(100, 0)
	st := executor.Status{
		Tasks: []executor.TaskInfo{{ID: "t-1", Name: "build"}, {ID: "t-2", State: "queued"}},
		Instances: []executor.InstanceInfo{
			{ID: "i-1", TaskID: "t-1", State: "working", Score: 60, FilesCreated: []string{"a", "b"},
				ScreenTail: []string{"first", "second", "  "}},
			{ID: "i-0", TaskID: "t-1", State: "killed", KillReason: "idle", EndedAt: &ended},
		},
	}
	h := NewHistory()
	h.Record(st)
	st.Instances[0].Score = 70
	h.Record(st)

	rows := Rows(st, h)

	require.Len(t, rows, 3)
	assert.Equal(t, Row{Instance: "i-1", Task: "build", State: "working", Score: 70, History: []int{60, 70},
		Files: 2, LastLine: "second"}, rows[0])
	assert.Equal(t, "killed: idle", rows[1].LastLine)
	assert.Equal(t, []int{0}, rows[1].History, "an ended instance keeps its scores")
	assert.Equal(t, Row{Instance: "-", Task: "t-2", State: "queued"}, rows[2])
}

func TestHistoryIsBounded(t *testing.T) {
	h := NewHistory()
	st := executor.Status{Instances: []executor.InstanceInfo{{ID: "i-1"}}}
	for i := range maxHistory + 10 {
		st.Instances[0].Score = i % 100
		h.Record(st)
	}

	assert.Len(t, h.Scores("i-1"), maxHistory)
}

func TestFrameRedrawsInPlace(t *testing.T) {
	var out strings.Builder
	f := NewFrame(&out)

	require.NoError(t, f.Draw([]string{"a", "b"}))
	require.NoError(t, f.Draw([]string{"c"}))

	want := "\x1b[?25l\ra\x1b[K\nb\x1b[K\n\x1b[J\x1b[?25h" +
		"\x1b[?25l\r\x1b[2Ac\x1b[K\n\x1b[J\x1b[?25h"
	assert.Equal(t, want, out.String())
}

func TestFrameForgetKeepsDrawing(t *testing.T) {
	var out strings.Builder
	f := NewFrame(&out)
	require.NoError(t, f.Draw([]string{"a"}))
	f.Forget()
	out.Reset()

	require.NoError(t, f.Draw([]string{"b"}))

	assert.NotContains(t, out.String(), "A", "no cursor-up after Forget")
}
