package decompose

import (
	"fmt"
	"path"
	"strings"

	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
)

// InvalidPlanError lists every problem Validate found in a plan. Each
// problem names the tasks involved and the fix.
type InvalidPlanError struct {
	Problems []string
}

// Error joins the problems into one message.
func (e *InvalidPlanError) Error() string {
	return "invalid plan: " + strings.Join(e.Problems, "; ")
}

// Validate checks the plan. It must have tasks with unique names, every
// dependency must name a task of the plan, and the dependencies must form
// no cycle. Any two tasks that can run at the same time must own disjoint
// paths, where two tasks can run at the same time when neither depends on
// the other, directly or through other tasks. Validate returns an
// *InvalidPlanError with every problem found. It checks cycles and overlaps
// only once the tasks themselves are valid.
func (p Plan) Validate() error {
	if len(p.Tasks) == 0 {
		return &InvalidPlanError{Problems: []string{"the plan has no tasks: give at least one task with a name and a prompt"}}
	}
	problems := p.taskProblems()
	if len(problems) == 0 {
		problems = p.graphProblems()
	}
	if len(problems) > 0 {
		return &InvalidPlanError{Problems: problems}
	}
	return nil
}

// taskProblems checks each task's fields, name clashes and dependency names.
func (p Plan) taskProblems() []string {
	var problems []string
	firstIndex := make(map[string]int, len(p.Tasks))
	for i, t := range p.Tasks {
		problems = append(problems, t.fieldProblems(i)...)
		if t.Name == "" {
			continue
		}
		if earlier, dup := firstIndex[t.Name]; dup {
			problems = append(problems, fmt.Sprintf("tasks %d and %d are both named %q: give each task its own name",
				earlier+1, i+1, t.Name))
			continue
		}
		firstIndex[t.Name] = i
	}
	for i, t := range p.Tasks {
		for _, dep := range t.DependsOn {
			switch _, known := firstIndex[dep]; {
			case dep == t.Name && dep != "":
				problems = append(problems, fmt.Sprintf("%s depends on itself: remove %q from its depends_on", label(i, t), dep))
			case !known:
				problems = append(problems, fmt.Sprintf("%s depends on %q, which is not a task of this plan: "+
					"use one of the task names %s, or remove it", label(i, t), dep, quotedNames(p.Tasks)))
			}
		}
	}
	return problems
}

// fieldProblems checks the fields of task t at index i.
func (t Task) fieldProblems(i int) []string {
	var problems []string
	where := label(i, t)
	switch {
	case strings.TrimSpace(t.Name) == "":
		problems = append(problems, fmt.Sprintf("%s has no name: give it a short unique name such as %q", where,
			fmt.Sprintf("step-%d", i+1)))
	case len(t.Name) > MaxNameBytes || strings.ContainsAny(t.Name, "\n\r\t"):
		problems = append(problems, fmt.Sprintf("%s: the name must be one line of at most %d bytes: shorten it",
			where, MaxNameBytes))
	}
	switch {
	case strings.TrimSpace(t.Prompt) == "":
		problems = append(problems, fmt.Sprintf("%s has an empty prompt: give the agent an instruction", where))
	case len(t.Prompt) > executor.MaxPromptBytes:
		problems = append(problems, fmt.Sprintf("%s: the prompt is %d bytes, over the limit of %d: shorten it",
			where, len(t.Prompt), executor.MaxPromptBytes))
	}
	if t.Priority < 0 {
		problems = append(problems, fmt.Sprintf("%s: priority %d is negative: use 0 or more, where higher runs first",
			where, t.Priority))
	}
	for _, owned := range t.Owns {
		if strings.TrimSpace(owned) == "" {
			problems = append(problems, fmt.Sprintf("%s owns an empty path: remove it from owns", where))
		}
	}
	return problems
}

// graphProblems reports a dependency cycle, or else every pair of tasks
// that can run at the same time and own overlapping paths. It expects
// unique names and known dependencies.
func (p Plan) graphProblems() []string {
	graph := newGraph(p.Tasks)
	if cycle := graph.findCycle(); cycle != nil {
		return []string{fmt.Sprintf("dependency cycle %s: each task depends on the next, so none of them can "+
			"start: remove one of these depends_on entries", strings.Join(cycle, " -> "))}
	}
	return p.overlapProblems(graph)
}

// overlapProblems reports each pair of tasks that can run at the same time
// and own overlapping paths, naming the first overlapping pair of paths.
func (p Plan) overlapProblems(graph *graph) []string {
	var problems []string
	for i, a := range p.Tasks {
		for j := i + 1; j < len(p.Tasks); j++ {
			b := p.Tasks[j]
			if graph.reaches(i, j) || graph.reaches(j, i) {
				continue
			}
			pathA, pathB, found := firstOverlap(a.Owns, b.Owns)
			if !found {
				continue
			}
			problems = append(problems, fmt.Sprintf("tasks %q and %q can run at the same time but own overlapping "+
				"paths (%q owns %q, %q owns %q): make one depend on the other, or give them disjoint paths",
				a.Name, b.Name, a.Name, pathA, b.Name, pathB))
		}
	}
	return problems
}

// firstOverlap returns the first path of a and of b that overlap.
func firstOverlap(a, b []string) (string, string, bool) {
	for _, pathA := range a {
		for _, pathB := range b {
			if pathsOverlap(pathA, pathB) {
				return pathA, pathB, true
			}
		}
	}
	return "", "", false
}

// pathsOverlap reports whether one path is the other or lies below it, after
// cleaning both. "." is the whole project, so it overlaps every relative
// path. A relative and an absolute path never overlap.
func pathsOverlap(a, b string) bool {
	a, b = path.Clean(strings.TrimSpace(a)), path.Clean(strings.TrimSpace(b))
	if a == b {
		return true
	}
	if path.IsAbs(a) != path.IsAbs(b) {
		return false
	}
	if a == "." || b == "." {
		return true
	}
	return strings.HasPrefix(b, strings.TrimSuffix(a, "/")+"/") || strings.HasPrefix(a, strings.TrimSuffix(b, "/")+"/")
}

// label names task t at index i in messages: task "name", or task 3 when it
// has no name.
func label(i int, t Task) string {
	if t.Name != "" {
		return fmt.Sprintf("task %q", t.Name)
	}
	return fmt.Sprintf("task %d", i+1)
}

// quotedNames lists the task names for a message, at most 10 of them.
func quotedNames(tasks []Task) string {
	const maxListed = 10
	names := make([]string, 0, min(len(tasks), maxListed))
	for _, t := range tasks {
		if len(names) == maxListed {
			names = append(names, "…")
			break
		}
		if t.Name != "" {
			names = append(names, fmt.Sprintf("%q", t.Name))
		}
	}
	return strings.Join(names, ", ")
}
