package leakcheck

import (
	"context"
	"fmt"
	"os"
	"testing"
)

// Main runs the tests of m and then checks that they left no goroutine or
// file descriptor behind. It returns the exit code for os.Exit: the tests'
// own code, or 1 when they passed but leaked. Call it from TestMain after
// any setup whose goroutines and descriptors should count as baseline.
func Main(m *testing.M) int {
	before, err := Take()
	if err != nil {
		fmt.Fprintf(os.Stderr, "leakcheck: %v\n", err)
		return 1
	}
	code := m.Run()
	if code != 0 {
		return code
	}
	report, err := before.Check(context.Background(), DefaultSettle)
	if err != nil {
		fmt.Fprintf(os.Stderr, "leakcheck: %v\n", err)
		return 1
	}
	if !report.Empty() {
		fmt.Fprintf(os.Stderr, "leakcheck: the tests passed but left resources open: %s\n", report)
		return 1
	}
	return code
}

// Verify takes a snapshot now and, when the test ends, fails it with the
// leaked stacks and descriptors if anything is left over after the settle
// time. It suits tests that do not run in parallel with others, because a
// parallel test's goroutines would count as leaks.
func Verify(t testing.TB) {
	t.Helper()
	before, err := Take()
	if err != nil {
		t.Fatalf("leakcheck: %v", err)
	}
	t.Cleanup(func() {
		report, err := before.Check(context.Background(), DefaultSettle)
		if err != nil {
			t.Errorf("leakcheck: %v", err)
			return
		}
		if !report.Empty() {
			t.Errorf("leakcheck: %s", report)
		}
	})
}
