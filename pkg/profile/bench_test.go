package profile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkClassifyBusyScreen classifies a 40-row busy screen, as the
// interactive driver does every 100 ms for each instance.
func BenchmarkClassifyBusyScreen(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("testdata", "08-busy-thinking.txt"))
	if err != nil {
		b.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	prof, err := Defaults().Lookup("claude")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		prof.Classify(lines, "⠂ Mock task")
		prof.Progress(lines)
	}
}
