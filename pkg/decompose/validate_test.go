package decompose

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
)

func TestValidateAcceptsPlans(t *testing.T) {
	cases := []struct {
		name  string
		tasks []Task
	}{
		{name: "one task", tasks: []Task{{Name: "a", Prompt: "do a"}}},
		{
			name: "overlap with direct dependency",
			tasks: []Task{
				{Name: "a", Prompt: "do a", Owns: []string{"src"}},
				{Name: "b", Prompt: "do b", Owns: []string{"src/x.go"}, DependsOn: []string{"a"}},
			},
		},
		{
			name: "overlap with transitive dependency",
			tasks: []Task{
				{Name: "a", Prompt: "do a", Owns: []string{"api/server.go"}},
				{Name: "b", Prompt: "do b", DependsOn: []string{"a"}},
				{Name: "c", Prompt: "do c", Owns: []string{"./api/"}, DependsOn: []string{"b"}},
			},
		},
		{
			name: "parallel tasks with disjoint paths",
			tasks: []Task{
				{Name: "a", Prompt: "do a", Owns: []string{"src/a"}},
				{Name: "b", Prompt: "do b", Owns: []string{"src/ab", "/src/a"}},
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.NoError(t, Plan{Summary: "s", Tasks: tc.tasks}.Validate())
		})
	}
}

func TestValidateRejectsPlans(t *testing.T) {
	cases := []struct {
		name  string
		tasks []Task
		want  []string
	}{
		{name: "no tasks", want: []string{"the plan has no tasks"}},
		{
			name:  "missing name and prompt",
			tasks: []Task{{Prompt: "do a"}, {Name: "b", Prompt: " "}},
			want:  []string{`task 1 has no name: give it a short unique name such as "step-1"`, `task "b" has an empty prompt`},
		},
		{
			name:  "duplicate names",
			tasks: []Task{{Name: "a", Prompt: "x"}, {Name: "b", Prompt: "y"}, {Name: "a", Prompt: "z"}},
			want:  []string{`tasks 1 and 3 are both named "a": give each task its own name`},
		},
		{
			name:  "unknown and self dependencies",
			tasks: []Task{{Name: "a", Prompt: "x", DependsOn: []string{"a"}}, {Name: "b", Prompt: "y", DependsOn: []string{"zz"}}},
			want: []string{
				`task "a" depends on itself: remove "a" from its depends_on`,
				`task "b" depends on "zz", which is not a task of this plan: use one of the task names "a", "b"`,
			},
		},
		{
			name: "bad fields",
			tasks: []Task{
				{Name: strings.Repeat("n", MaxNameBytes+1), Prompt: "x"},
				{Name: "two\nlines", Prompt: strings.Repeat("p", executor.MaxPromptBytes+1), Priority: -1, Owns: []string{" "}},
			},
			want: []string{
				"the name must be one line of at most 100 bytes",
				"the prompt is 102401 bytes, over the limit of 102400",
				"priority -1 is negative",
				"owns an empty path",
			},
		},
		{
			name: "cycle",
			tasks: []Task{
				{Name: "setup", Prompt: "x"},
				{Name: "a", Prompt: "x", DependsOn: []string{"setup", "b"}},
				{Name: "b", Prompt: "y", DependsOn: []string{"c"}},
				{Name: "c", Prompt: "z", DependsOn: []string{"a"}},
			},
			want: []string{"dependency cycle a -> b -> c -> a: each task depends on the next"},
		},
		{
			name: "overlap between parallel tasks",
			tasks: []Task{
				{Name: "a", Prompt: "x", Owns: []string{"docs/readme.md", "src/"}},
				{Name: "b", Prompt: "y", Owns: []string{"src/app/main.go"}},
				{Name: "c", Prompt: "z", Owns: []string{"src/app"}, DependsOn: []string{"b"}},
			},
			want: []string{
				`tasks "a" and "b" can run at the same time but own overlapping paths ("a" owns "src/", "b" owns "src/app/main.go")`,
				`tasks "a" and "c" can run at the same time`,
				"make one depend on the other, or give them disjoint paths",
			},
		},
		{
			name: "whole project owned",
			tasks: []Task{
				{Name: "a", Prompt: "x", Owns: []string{"."}},
				{Name: "b", Prompt: "y", Owns: []string{"go.mod"}},
			},
			want: []string{`("a" owns ".", "b" owns "go.mod")`},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := Plan{Summary: "s", Tasks: tc.tasks}.Validate()

			var invalid *InvalidPlanError
			require.True(t, errors.As(err, &invalid), "error %v", err)
			for _, want := range tc.want {
				assert.Contains(t, err.Error(), want)
			}
		})
	}
}

func TestValidateCountsOverlapsOncePerPair(t *testing.T) {
	plan := Plan{Tasks: []Task{
		{Name: "a", Prompt: "x", Owns: []string{"src", "docs"}},
		{Name: "b", Prompt: "y", Owns: []string{"src/a.go", "docs/b.md"}},
	}}

	err := plan.Validate()

	var invalid *InvalidPlanError
	require.ErrorAs(t, err, &invalid)
	assert.Len(t, invalid.Problems, 1)
}

func TestPathsOverlap(t *testing.T) {
	cases := []struct {
		a, b string
		want bool
	}{
		{a: "src", b: "src", want: true},
		{a: "src/", b: "src/x.go", want: true},
		{a: "./src/x.go", b: "src", want: true},
		{a: "src", b: "src2", want: false},
		{a: "src/a.go", b: "src/b.go", want: false},
		{a: ".", b: "anything", want: true},
		{a: "/", b: "/etc/hosts", want: true},
		{a: "/src", b: "src", want: false},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, pathsOverlap(tc.a, tc.b), "%q and %q", tc.a, tc.b)
	}
}
