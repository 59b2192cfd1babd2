package queue

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// benchSizes are the task counts of the benchmarks.
var benchSizes = []int{1000, 10000, 100000}

// benchSlots is the number of fake instances that run at once.
const benchSlots = 10

// randomDAG returns n tasks, each with up to three dependencies on earlier
// tasks and a priority from 0 to 9, from a fixed seed. When owned is true,
// each task also owns one of 16 directories, or their parent in one task
// out of 50, so dispatch keeps skipping tasks whose paths are held.
func randomDAG(n int, owned bool) []Spec {
	rng := rand.New(rand.NewPCG(42, 7))
	specs := make([]Spec, n)
	for i := range specs {
		s := Spec{ID: fmt.Sprintf("t-%d", i), Priority: rng.IntN(10)}
		for range rng.IntN(4) {
			if i > 0 {
				s.DependsOn = append(s.DependsOn, fmt.Sprintf("t-%d", rng.IntN(i)))
			}
		}
		if owned {
			path := fmt.Sprintf("src/pkg%d", rng.IntN(16))
			if rng.IntN(50) == 0 {
				path = "src"
			}
			s.Owns = []string{path}
		}
		specs[i] = s
	}
	return specs
}

// runSlots dispatches every task through benchSlots fake instances that
// finish at once. When failEvery is above zero, every failEvery-th first
// attempt fails, so its task waits out a backoff, and the clock moves one
// second per round.
func runSlots(b *testing.B, q *Queue, n, failEvery int) {
	now := t0
	running := make([]Dispatch, 0, benchSlots)
	done, finished := 0, 0
	for done < n {
		for len(running) < benchSlots {
			d, ok := q.Next(now)
			if !ok {
				break
			}
			running = append(running, d)
		}
		for _, d := range running {
			finished++
			outcome := Success
			if failEvery > 0 && d.Attempt == 1 && finished%failEvery == 0 {
				outcome = Failure
			} else {
				done++
			}
			if _, err := q.Finish(d.ID, outcome, now); err != nil {
				b.Fatal(err)
			}
		}
		if len(running) == 0 && q.Running() == 0 && len(q.delayed) == 0 {
			b.Fatalf("dispatch stalled after %d of %d tasks", done, n)
		}
		running = running[:0]
		now = now.Add(time.Second)
	}
}

// benchSubmitDispatch times Add of the whole graph and the dispatch of
// every task, and reports both per task.
func benchSubmitDispatch(b *testing.B, owned bool, failEvery int) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			specs := randomDAG(n, owned)
			var submit, dispatch time.Duration
			b.ResetTimer()
			for range b.N {
				q, err := New(Options{MaxAttempts: 2, Backoff: Backoff{Base: 5 * time.Second, Jitter: noJitter}})
				if err != nil {
					b.Fatal(err)
				}
				start := time.Now()
				if _, err := q.Add(specs); err != nil {
					b.Fatal(err)
				}
				submit += time.Since(start)
				start = time.Now()
				runSlots(b, q, n, failEvery)
				dispatch += time.Since(start)
			}
			perTask := float64(b.N) * float64(n)
			b.ReportMetric(float64(submit.Nanoseconds())/perTask, "submit-ns/task")
			b.ReportMetric(float64(dispatch.Nanoseconds())/perTask, "dispatch-ns/task")
		})
	}
}

// BenchmarkSubmitDispatch submits a random graph at once and dispatches it
// through 10 slots whose instances finish at once.
func BenchmarkSubmitDispatch(b *testing.B) { benchSubmitDispatch(b, false, 0) }

// BenchmarkSubmitDispatchContended does the same with owned paths that
// overlap, and with every fourth first attempt failing, so many tasks wait
// on held paths and on backoff times.
func BenchmarkSubmitDispatchContended(b *testing.B) { benchSubmitDispatch(b, true, 4) }
