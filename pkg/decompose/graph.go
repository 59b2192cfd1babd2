package decompose

// graph is the dependency graph of a plan's tasks, by index. It expects
// unique names and known dependencies.
type graph struct {
	names []string
	// deps lists, for each task, the indexes of the tasks it depends on, in
	// the order written.
	deps [][]int
	// ancestors caches, for each task, every task it depends on directly or
	// through other tasks. An entry is nil until computed.
	ancestors []map[int]bool
}

func newGraph(tasks []Task) *graph {
	index := make(map[string]int, len(tasks))
	for i, t := range tasks {
		index[t.Name] = i
	}
	g := &graph{
		names:     make([]string, len(tasks)),
		deps:      make([][]int, len(tasks)),
		ancestors: make([]map[int]bool, len(tasks)),
	}
	for i, t := range tasks {
		g.names[i] = t.Name
		for _, dep := range t.DependsOn {
			if j, ok := index[dep]; ok {
				g.deps[i] = append(g.deps[i], j)
			}
		}
	}
	return g
}

// findCycle returns the names along the first dependency cycle found, with
// the first name repeated at the end, such as [a b a], or nil when there is
// none. Tasks and dependencies are visited in the order written, so the
// result is the same on every run.
func (g *graph) findCycle() []string {
	const (
		unvisited = iota
		onStack
		done
	)
	state := make([]int, len(g.deps))
	var stack []int
	var visit func(i int) []string
	visit = func(i int) []string {
		state[i] = onStack
		stack = append(stack, i)
		for _, j := range g.deps[i] {
			switch state[j] {
			case onStack:
				return g.cyclePath(stack, j)
			case unvisited:
				if cycle := visit(j); cycle != nil {
					return cycle
				}
			}
		}
		stack = stack[:len(stack)-1]
		state[i] = done
		return nil
	}
	for i := range g.deps {
		if state[i] == unvisited {
			if cycle := visit(i); cycle != nil {
				return cycle
			}
		}
	}
	return nil
}

// cyclePath returns the names on stack from start to its top, closed by
// start's name again.
func (g *graph) cyclePath(stack []int, start int) []string {
	var names []string
	for k := len(stack) - 1; k >= 0; k-- {
		if stack[k] == start {
			for _, i := range stack[k:] {
				names = append(names, g.names[i])
			}
			break
		}
	}
	return append(names, g.names[start])
}

// reaches reports whether task i depends on task j, directly or through
// other tasks. The graph must have no cycle.
func (g *graph) reaches(i, j int) bool {
	return g.ancestorsOf(i)[j]
}

func (g *graph) ancestorsOf(i int) map[int]bool {
	if g.ancestors[i] != nil {
		return g.ancestors[i]
	}
	found := make(map[int]bool)
	for _, j := range g.deps[i] {
		found[j] = true
		for k := range g.ancestorsOf(j) {
			found[k] = true
		}
	}
	g.ancestors[i] = found
	return found
}
