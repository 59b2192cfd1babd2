package queue

import (
	"fmt"
	"slices"
	"strings"
)

// planned is one validated spec of a batch, with its dependencies resolved.
type planned struct {
	spec Spec
	owns [][]string
	key  string
	deps []depRef
}

// depRef is a resolved dependency: a task already in the queue, or the
// index of a task in the same batch.
type depRef struct {
	existing *entry
	batch    int
}

// Check validates batch as Add does, without changing the queue.
func (q *Queue) Check(batch []Spec) error {
	_, err := q.prepare(batch)
	return err
}

// Add validates batch as a whole and adds every task in it, or none when a
// check fails. The checks are: unique ids and names, dependencies that name
// a known task other than the task itself, no dependency cycle, and valid
// owned paths. A cycle is reported with its path, such as
// "a -> b -> c -> a". Add returns the new tasks blocked at once, because a
// dependency had already failed, been cancelled or been blocked.
func (q *Queue) Add(batch []Spec) ([]Change, error) {
	plans, err := q.prepare(batch)
	if err != nil {
		return nil, err
	}
	added := make([]*entry, len(plans))
	for i, p := range plans {
		added[i] = q.insert(p)
	}
	for i, p := range plans {
		q.link(added[i], p.deps, added)
	}
	var changes []Change
	for _, e := range added {
		if e.state != Pending {
			continue
		}
		if dead := deadDependency(e); dead != nil {
			changes = append(changes, q.spread([]*entry{e}, Blocked, blockReason(dead))...)
		}
	}
	for _, e := range added {
		if e.state == Pending && e.unmet == 0 {
			q.makeReady(e)
		}
	}
	return changes, nil
}

// prepare validates a batch and resolves its dependencies.
func (q *Queue) prepare(batch []Spec) ([]planned, error) {
	if len(batch) == 0 {
		return nil, fmt.Errorf("no tasks given: add at least one task")
	}
	ids := make(map[string]int, len(batch))
	names := make(map[string]int)
	plans := make([]planned, len(batch))
	for i, spec := range batch {
		p, err := q.prepareOne(i, spec, ids, names)
		if err != nil {
			return nil, err
		}
		plans[i] = p
	}
	for i := range plans {
		deps, err := q.resolve(i, batch, ids, names)
		if err != nil {
			return nil, err
		}
		plans[i].deps = deps
	}
	if cycle := findCycle(plans); cycle != nil {
		labels := make([]string, len(cycle))
		for k, i := range cycle {
			labels[k] = batchName(i, batch[i])
		}
		return nil, fmt.Errorf("depends_on forms a cycle %s, where each task depends on the next: "+
			"remove one of these dependencies", strings.Join(labels, " -> "))
	}
	return plans, nil
}

// prepareOne checks the fields of one spec and records its id and name.
func (q *Queue) prepareOne(i int, spec Spec, ids, names map[string]int) (planned, error) {
	where := batchLabel(i, spec)
	switch {
	case spec.ID == "":
		return planned{}, fmt.Errorf("%s: id is empty: give every task a unique id", where)
	case q.entries[spec.ID] != nil:
		return planned{}, fmt.Errorf("%s: id %q is already used by another task: choose another id", where, spec.ID)
	case spec.MaxAttempts < 0:
		return planned{}, fmt.Errorf("%s: max attempts %d is negative: use 1 or more, or 0 for the default",
			where, spec.MaxAttempts)
	case spec.Attempts < 0:
		return planned{}, fmt.Errorf("%s: attempts %d is negative: use 0 for a new task", where, spec.Attempts)
	}
	if first, dup := ids[spec.ID]; dup {
		return planned{}, fmt.Errorf("%s: id %q is also the id of task %d in this request: ids must be unique",
			where, spec.ID, first+1)
	}
	ids[spec.ID] = i
	if spec.Name != "" {
		if q.names[spec.Name] != nil {
			return planned{}, fmt.Errorf("%s: name %q is already used by another task: choose another name",
				where, spec.Name)
		}
		if _, dup := names[spec.Name]; dup {
			return planned{}, fmt.Errorf("%s: name %q appears twice in this request: names must be unique",
				where, spec.Name)
		}
		names[spec.Name] = i
	}
	owns := make([][]string, 0, len(spec.Owns))
	for _, raw := range spec.Owns {
		parts, err := splitOwned(raw)
		if err != nil {
			return planned{}, fmt.Errorf("%s: %w", where, err)
		}
		owns = append(owns, parts)
	}
	owns = dedupeOwned(owns)
	return planned{spec: spec, owns: owns, key: ownedKey(owns)}, nil
}

// resolve turns the DependsOn references of task i into tasks. A reference
// is looked up as a name in the queue, a name in the batch, an id in the
// queue and an id in the batch, in that order.
func (q *Queue) resolve(i int, batch []Spec, ids, names map[string]int) ([]depRef, error) {
	spec := batch[i]
	deps := make([]depRef, 0, len(spec.DependsOn))
	seen := make(map[depRef]bool, len(spec.DependsOn))
	for _, ref := range spec.DependsOn {
		dep, ok := q.lookupRef(ref, ids, names)
		if !ok {
			return nil, fmt.Errorf("%s: depends_on %q names no known task: use the id or name of a "+
				"task spawned earlier or in the same request", batchLabel(i, spec), ref)
		}
		if dep.existing == nil && dep.batch == i {
			return nil, fmt.Errorf("%s: depends_on %q names the task itself: remove it", batchLabel(i, spec), ref)
		}
		if !seen[dep] {
			seen[dep] = true
			deps = append(deps, dep)
		}
	}
	return deps, nil
}

func (q *Queue) lookupRef(ref string, ids, names map[string]int) (depRef, bool) {
	if e := q.names[ref]; e != nil {
		return depRef{existing: e, batch: -1}, true
	}
	if i, ok := names[ref]; ok {
		return depRef{batch: i}, true
	}
	if e := q.entries[ref]; e != nil {
		return depRef{existing: e, batch: -1}, true
	}
	if i, ok := ids[ref]; ok {
		return depRef{batch: i}, true
	}
	return depRef{}, false
}

// insert creates the entry of a validated spec.
func (q *Queue) insert(p planned) *entry {
	q.seq++
	maxAttempts := p.spec.MaxAttempts
	if maxAttempts == 0 {
		maxAttempts = q.opts.MaxAttempts
	}
	e := &entry{
		id: p.spec.ID, name: p.spec.Name, priority: p.spec.Priority, seq: q.seq,
		maxAttempts: maxAttempts, attempts: p.spec.Attempts, owns: p.owns, classKey: p.key,
		memberIndex: -1, delayIndex: -1,
	}
	q.entries[e.id] = e
	if e.name != "" {
		q.names[e.name] = e
	}
	return e
}

// link records the dependencies of e and counts those not yet succeeded.
// Final dependencies get no dependents entry, because they never change
// again.
func (q *Queue) link(e *entry, deps []depRef, added []*entry) {
	e.deps = make([]*entry, len(deps))
	for k, ref := range deps {
		dep := ref.existing
		if dep == nil {
			dep = added[ref.batch]
		}
		e.deps[k] = dep
		if dep.state.Final() {
			continue
		}
		dep.dependents = append(dep.dependents, e)
		e.unmet++
	}
}

// deadDependency returns a dependency of e that can no longer succeed.
func deadDependency(e *entry) *entry {
	for _, dep := range e.deps {
		if dep.state.Final() && dep.state != Succeeded {
			return dep
		}
	}
	return nil
}

// dedupeOwned drops repeated owned paths, so a task holds each path once.
func dedupeOwned(owns [][]string) [][]string {
	seen := make(map[string]bool, len(owns))
	out := owns[:0]
	for _, parts := range owns {
		key := strings.Join(parts, "/")
		if !seen[key] {
			seen[key] = true
			out = append(out, parts)
		}
	}
	return slices.Clip(out)
}

// findCycle returns the batch indexes of a dependency cycle, first and last
// the same, or nil. Tasks already in the queue cannot depend on new ones,
// so every cycle lies within the batch. The search is an iterative
// depth-first search, so large batches do not need a deep call stack.
func findCycle(plans []planned) []int {
	const (
		unvisited = iota
		visiting
		visited
	)
	mark := make([]uint8, len(plans))
	for start := range plans {
		if mark[start] != unvisited {
			continue
		}
		mark[start] = visiting
		stack := []dfsFrame{{node: start}}
		for len(stack) > 0 {
			top := &stack[len(stack)-1]
			deps := plans[top.node].deps
			if top.next == len(deps) {
				mark[top.node] = visited
				stack = stack[:len(stack)-1]
				continue
			}
			dep := deps[top.next]
			top.next++
			if dep.existing != nil {
				continue
			}
			switch mark[dep.batch] {
			case visiting:
				return cyclePath(stack, dep.batch)
			case unvisited:
				mark[dep.batch] = visiting
				stack = append(stack, dfsFrame{node: dep.batch})
			}
		}
	}
	return nil
}

// dfsFrame is a task on the search stack and the index of its next
// dependency to visit.
type dfsFrame struct{ node, next int }

// cyclePath returns the tasks on the stack from back to the top, then back
// again.
func cyclePath(stack []dfsFrame, back int) []int {
	var path []int
	inCycle := false
	for _, f := range stack {
		inCycle = inCycle || f.node == back
		if inCycle {
			path = append(path, f.node)
		}
	}
	return append(path, back)
}

// batchLabel names task i of a batch in messages: "task 2", with its name
// when it has one.
func batchLabel(i int, spec Spec) string {
	if spec.Name != "" {
		return fmt.Sprintf("task %d (%q)", i+1, spec.Name)
	}
	return fmt.Sprintf("task %d", i+1)
}

// batchName names task i of a batch in a cycle: its name, else "task N".
func batchName(i int, spec Spec) string {
	if spec.Name != "" {
		return spec.Name
	}
	return fmt.Sprintf("task %d", i+1)
}
