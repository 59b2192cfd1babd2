package queue

import (
	"fmt"
	"math/rand/v2"
	"syscall"
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

// benchTasks is about how many tasks each benchmark case submits and
// dispatches per iteration: small graphs are repeated, so that every case
// does a similar amount of work and is measured over a similar time.
const benchTasks = 100000

// cpuTime returns the CPU time the process has used, in user and system
// mode, across all its threads.
func cpuTime(b *testing.B) time.Duration {
	var usage syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &usage); err != nil {
		b.Fatalf("read CPU time with getrusage: %v", err)
	}
	return time.Duration(usage.Utime.Nano() + usage.Stime.Nano())
}

// phaseClock sums the wall and CPU time of one phase over several runs.
type phaseClock struct {
	wall, cpu  time.Duration
	started    time.Time
	cpuStarted time.Duration
}

func (c *phaseClock) start(b *testing.B) {
	c.started = time.Now()
	c.cpuStarted = cpuTime(b)
}

func (c *phaseClock) stop(b *testing.B) {
	c.wall += time.Since(c.started)
	c.cpu += cpuTime(b) - c.cpuStarted
}

// report adds the phase's wall and CPU time per task as metrics.
func (c *phaseClock) report(b *testing.B, name string, tasks float64) {
	b.ReportMetric(float64(c.wall.Nanoseconds())/tasks, name+"-ns/task")
	b.ReportMetric(float64(c.cpu.Nanoseconds())/tasks, name+"-cpu-ns/task")
}

// benchSubmitDispatch times Add of the whole graph and the dispatch of
// every task, and reports both per task, in wall time and in the process's
// CPU time. CPU time counts the garbage collector's work on other threads
// too, and it is less affected by other load on a shared machine.
func benchSubmitDispatch(b *testing.B, owned bool, failEvery int) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			specs := randomDAG(n, owned)
			reps := max(1, benchTasks/n)
			var submit, dispatch phaseClock
			b.ResetTimer()
			for range b.N {
				for range reps {
					q, err := New(Options{MaxAttempts: 2, Backoff: Backoff{Base: 5 * time.Second, Jitter: noJitter}})
					if err != nil {
						b.Fatal(err)
					}
					submit.start(b)
					if _, err := q.Add(specs); err != nil {
						b.Fatal(err)
					}
					submit.stop(b)
					dispatch.start(b)
					runSlots(b, q, n, failEvery)
					dispatch.stop(b)
				}
			}
			tasks := float64(b.N) * float64(reps) * float64(n)
			submit.report(b, "submit", tasks)
			dispatch.report(b, "dispatch", tasks)
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
