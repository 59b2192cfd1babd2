package queue

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// model is a slow, obviously correct scheduler that rescans every task on
// each call. TestQueueMatchesModel checks the queue against it.
type model struct {
	tasks   []*modelTask
	byID    map[string]*modelTask
	backoff Backoff
}

type modelTask struct {
	spec      Spec
	deps      []*modelTask
	state     State
	attempts  int
	notBefore time.Time
	active    bool
}

func (m *model) add(specs []Spec) {
	for _, s := range specs {
		t := &modelTask{spec: s}
		for _, ref := range s.DependsOn {
			t.deps = append(t.deps, m.byID[ref])
		}
		m.tasks = append(m.tasks, t)
		m.byID[s.ID] = t
	}
	m.settle()
}

// settle blocks tasks with a dead dependency, repeating until nothing
// changes, and marks the rest ready or pending.
func (m *model) settle() {
	for changed := true; changed; {
		changed = false
		for _, t := range m.tasks {
			if t.state != Pending && t.state != Ready {
				continue
			}
			for _, d := range t.deps {
				if d.state == Failed || d.state == Blocked || d.state == Cancelled {
					t.state, changed = Blocked, true
					break
				}
			}
		}
	}
	for _, t := range m.tasks {
		if t.state == Pending && m.depsMet(t) {
			t.state = Ready
		}
	}
}

func (m *model) depsMet(t *modelTask) bool {
	for _, d := range t.deps {
		if d.state != Succeeded {
			return false
		}
	}
	return true
}

func (m *model) next(now time.Time) string {
	var best *modelTask
	for _, t := range m.tasks {
		if t.state == Delayed && !t.notBefore.After(now) {
			t.state = Ready
		}
		if t.state != Ready || m.overlapsRunning(t) {
			continue
		}
		if best == nil || t.spec.Priority > best.spec.Priority {
			best = t
		}
	}
	if best == nil {
		return ""
	}
	best.state, best.active = Running, true
	best.attempts++
	return best.spec.ID
}

func (m *model) overlapsRunning(t *modelTask) bool {
	for _, r := range m.tasks {
		if !r.active {
			continue
		}
		for _, a := range t.spec.Owns {
			for _, b := range r.spec.Owns {
				if pathsOverlap(a, b) {
					return true
				}
			}
		}
	}
	return false
}

// pathsOverlap compares two owned paths of the generator below, which are
// clean and never "/". Relative paths are compared as "./a/b", so that "."
// covers all of them.
func pathsOverlap(a, b string) bool {
	a, b = modelPath(a), modelPath(b)
	return a == b || strings.HasPrefix(a, b+"/") || strings.HasPrefix(b, a+"/")
}

func modelPath(p string) string {
	if p == "." || strings.HasPrefix(p, "/") {
		return p
	}
	return "./" + p
}

func (m *model) finish(id string, outcome Outcome, now time.Time) {
	t := m.byID[id]
	t.active = false
	if t.state == Cancelled {
		return
	}
	switch {
	case outcome == Success:
		t.state = Succeeded
	case outcome == Failure && t.attempts < t.spec.MaxAttempts:
		t.state, t.notBefore = Delayed, now.Add(m.backoff.Delay(t.attempts))
	case outcome == Stopped:
		t.state = Cancelled
	default:
		t.state = Failed
	}
	m.settle()
}

func (m *model) cancel(id string) {
	t := m.byID[id]
	if t.state.Final() {
		return
	}
	t.state = Cancelled
	for changed := true; changed; {
		changed = false
		for _, u := range m.tasks {
			if u.state != Pending {
				continue
			}
			for _, d := range u.deps {
				if d.state == Cancelled {
					u.state, changed = Cancelled, true
					break
				}
			}
		}
	}
	m.settle()
}

// randomBatch returns tasks with up to two dependencies on earlier tasks
// and up to two owned paths from a small set, so overlaps are common.
func randomBatch(rng *rand.Rand, first, n int) []Spec {
	paths := []string{"a", "a/b", "a/b/c", "a/d", "e", "/a", "/a/b", "."}
	specs := make([]Spec, n)
	for i := range specs {
		k := first + i
		s := Spec{ID: fmt.Sprintf("t%d", k), Priority: rng.IntN(3), MaxAttempts: 1 + rng.IntN(2)}
		for range rng.IntN(3) {
			if k > 0 {
				s.DependsOn = append(s.DependsOn, fmt.Sprintf("t%d", rng.IntN(k)))
			}
		}
		for range rng.IntN(3) {
			s.Owns = append(s.Owns, paths[rng.IntN(len(paths))])
		}
		specs[i] = s
	}
	return specs
}

func TestQueueMatchesModel(t *testing.T) {
	for seed := range uint64(30) {
		t.Run(fmt.Sprintf("seed %d", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 1))
			backoff := Backoff{Base: time.Second, Max: 4 * time.Second, Jitter: noJitter}
			q := newQueue(t, Options{Backoff: backoff})
			m := &model{byID: map[string]*modelTask{}, backoff: backoff.withDefaults()}
			now, added := t0, 0
			var running []string
			for step := range 400 {
				switch op := rng.IntN(10); {
				case op == 0 && added < 150:
					batch := randomBatch(rng, added, 1+rng.IntN(5))
					added += len(batch)
					_, err := q.Add(batch)
					require.NoError(t, err)
					m.add(batch)
				case op <= 3:
					want, got := m.next(now), next(q, now)
					require.Equal(t, want, got, "step %d: next", step)
					if got != "" {
						running = append(running, got)
					}
				case op <= 6 && len(running) > 0:
					k := rng.IntN(len(running))
					id := running[k]
					running = slices.Delete(running, k, k+1)
					outcome := Outcome(rng.IntN(4))
					m.finish(id, outcome, now)
					_, err := q.Finish(id, outcome, now)
					require.NoError(t, err, "step %d", step)
				case op == 7 && added > 0:
					id := fmt.Sprintf("t%d", rng.IntN(added))
					m.cancel(id)
					_, err := q.Cancel([]string{id}, "test")
					require.NoError(t, err)
				default:
					now = now.Add(time.Duration(rng.IntN(3)) * time.Second)
				}
				requireSameStates(t, q, m, step)
			}
		})
	}
}

// requireSameStates compares the state of every task in the queue with
// the model's.
func requireSameStates(t *testing.T, q *Queue, m *model, step int) {
	t.Helper()
	for _, mt := range m.tasks {
		if want, got := mt.state, q.entries[mt.spec.ID].state; want != got {
			require.Equal(t, want, got, "step %d: task %s", step, mt.spec.ID)
		}
	}
}
