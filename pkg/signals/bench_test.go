package signals

import (
	"fmt"
	"testing"
	"time"
)

// tickScreens returns n 40-row busy screens whose spinner timer and one
// printed row change from one to the next.
func tickScreens(n int) [][]string {
	screens := make([][]string, n)
	for i := range screens {
		rows := make([]string, 40)
		for r := range rows {
			rows[r] = fmt.Sprintf("  line %d of the agent's output about the parser", r)
		}
		rows[30] = fmt.Sprintf("● Write(src/part%d.go)", i)
		rows[34] = fmt.Sprintf("✻ Hullaballooing… (%ds · ↓ %d tokens)", i, i*10)
		rows[39] = "  esc to interrupt · ← for agents"
		screens[i] = rows
	}
	return screens
}

// BenchmarkReadTick measures one tick of the signal reader on a changing
// 40-row screen, as the pool runs it every second per instance.
func BenchmarkReadTick(b *testing.B) {
	r := claudeReader(&testing.T{})
	screens := tickScreens(64)
	at := start
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		at = at.Add(time.Second)
		r.Read(Observation{At: at, Lines: screens[i%len(screens)], CPUTicks: uint64(i)})
	}
}

// BenchmarkPlainRowDiff is the baseline of BenchmarkReadTick: counting the
// rows that differ by plain string comparison on the same screens.
func BenchmarkPlainRowDiff(b *testing.B) {
	screens := tickScreens(64)
	changed := 0
	for i := 0; b.Loop(); i++ {
		prev, cur := screens[i%len(screens)], screens[(i+1)%len(screens)]
		for r := range cur {
			if cur[r] != prev[r] {
				changed++
			}
		}
	}
	_ = changed
}
