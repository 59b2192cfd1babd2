package decompose

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSplitGoals(t *testing.T) {
	cases := []struct {
		name string
		goal string
		want []Task
	}{
		{
			name: "no list",
			goal: "  Add a /health endpoint to server.go.\n",
			want: []Task{{Name: "step-1", Prompt: "Add a /health endpoint to server.go."}},
		},
		{
			name: "numbered with dots",
			goal: "1. Write parser.go\n2. Write lexer.go\n3. Write main.go",
			want: []Task{
				{Name: "step-1", Prompt: "Write parser.go", Priority: 2},
				{Name: "step-2", Prompt: "Write lexer.go", Priority: 1},
				{Name: "step-3", Prompt: "Write main.go"},
			},
		},
		{
			name: "numbered with parentheses and explicit references",
			goal: "1) Set up the module\n2) Add the lexer after step 1\n3) Add the parser once step 2 is done\n" +
				"4) Write the README after 1 and 3.",
			want: []Task{
				{Name: "step-1", Prompt: "Set up the module", Priority: 3},
				{Name: "step-2", Prompt: "Add the lexer after step 1", DependsOn: []string{"step-1"}, Priority: 2},
				{Name: "step-3", Prompt: "Add the parser once step 2 is done", DependsOn: []string{"step-2"}, Priority: 1},
				{Name: "step-4", Prompt: "Write the README after 1 and 3.", DependsOn: []string{"step-1", "step-3"}},
			},
		},
		{
			name: "depends on and lists of steps",
			goal: "- Build the API\n- Build the UI\n- Deploy; this depends on steps 1, 2\n- Announce it, depending on step 3",
			want: []Task{
				{Name: "step-1", Prompt: "Build the API", Priority: 3},
				{Name: "step-2", Prompt: "Build the UI", Priority: 2},
				{Name: "step-3", Prompt: "Deploy; this depends on steps 1, 2", DependsOn: []string{"step-1", "step-2"}, Priority: 1},
				{Name: "step-4", Prompt: "Announce it, depending on step 3", DependsOn: []string{"step-3"}},
			},
		},
		{
			name: "shared file names",
			goal: "* Create `api/server.go` with a router\n* Write docs/usage.md\n* Add a /health route to api/server.go\n" +
				"* Test ./api/server.go and link docs/usage.md",
			want: []Task{
				{Name: "step-1", Prompt: "Create `api/server.go` with a router", Owns: []string{"api/server.go"}, Priority: 3},
				{Name: "step-2", Prompt: "Write docs/usage.md", Owns: []string{"docs/usage.md"}, Priority: 2},
				{
					Name: "step-3", Prompt: "Add a /health route to api/server.go", Owns: []string{"api/server.go"},
					DependsOn: []string{"step-1"}, Priority: 1,
				},
				{
					Name: "step-4", Prompt: "Test ./api/server.go and link docs/usage.md",
					Owns: []string{"api/server.go", "docs/usage.md"}, DependsOn: []string{"step-2", "step-3"},
				},
			},
		},
		{
			name: "nested and continuation lines",
			goal: "1. Add the store\n   - a Put method\n   - a Get method\n" +
				"2. Add the HTTP layer,\nwrapping the store\n\n   with tests",
			want: []Task{
				{Name: "step-1", Prompt: "Add the store\n   - a Put method\n   - a Get method", Priority: 1},
				{Name: "step-2", Prompt: "Add the HTTP layer,\nwrapping the store\n\n   with tests"},
			},
		},
		{
			name: "unindented bullets under numbered items",
			goal: "1. Add the store\n- a Put method\n- a Get method\n2. Add the HTTP layer",
			want: []Task{
				{Name: "step-1", Prompt: "Add the store\n- a Put method\n- a Get method", Priority: 1},
				{Name: "step-2", Prompt: "Add the HTTP layer"},
			},
		},
		{
			name: "indented list with context before it",
			goal: "Build a key-value CLI in Go.\n\n  - Write the store\n  - Write the CLI after step 1",
			want: []Task{
				{Name: "step-1", Prompt: "Build a key-value CLI in Go.\n\nWrite the store", Priority: 1},
				{Name: "step-2", Prompt: "Build a key-value CLI in Go.\n\nWrite the CLI after step 1", DependsOn: []string{"step-1"}},
			},
		},
		{
			name: "numbers that are not references",
			goal: "1. Wait after 5 minutes of load\n2. Retry once 3 times fail, see e.g. example.com and fmt.Println",
			want: []Task{
				{Name: "step-1", Prompt: "Wait after 5 minutes of load", Priority: 1},
				{Name: "step-2", Prompt: "Retry once 3 times fail, see e.g. example.com and fmt.Println"},
			},
		},
		{
			name: "bold text and decimals are no markers",
			goal: "**Goal**: speed up\n1.5 seconds is too slow",
			want: []Task{{Name: "step-1", Prompt: "**Goal**: speed up\n1.5 seconds is too slow"}},
		},
		{
			name: "reference at the start of an item",
			goal: "1. a\n2. b\n3. after 1 and 2 do c\n4. after 3, do d",
			want: []Task{
				{Name: "step-1", Prompt: "a", Priority: 3},
				{Name: "step-2", Prompt: "b", Priority: 2},
				{Name: "step-3", Prompt: "after 1 and 2 do c", DependsOn: []string{"step-1", "step-2"}, Priority: 1},
				{Name: "step-4", Prompt: "after 3, do d", DependsOn: []string{"step-3"}},
			},
		},
		{
			name: "ranges and comma lists",
			goal: "1. a\n2. b\n3. c after steps 1-2\n4. d after 1, 3",
			want: []Task{
				{Name: "step-1", Prompt: "a", Priority: 3},
				{Name: "step-2", Prompt: "b", Priority: 2},
				{Name: "step-3", Prompt: "c after steps 1-2", DependsOn: []string{"step-1", "step-2"}, Priority: 1},
				{Name: "step-4", Prompt: "d after 1, 3", DependsOn: []string{"step-1", "step-3"}},
			},
		},
		{
			name: "carriage returns",
			goal: "1. First\r\n2. Second after step 1\r\n",
			want: []Task{
				{Name: "step-1", Prompt: "First", Priority: 1},
				{Name: "step-2", Prompt: "Second after step 1", DependsOn: []string{"step-1"}},
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			plan, err := Split(tc.goal)

			require.NoError(t, err)
			assert.Equal(t, tc.want, plan.Tasks)
			assert.NotEmpty(t, plan.Summary)
			assert.NoError(t, plan.Validate())
		})
	}
}

func TestSplitSummary(t *testing.T) {
	cases := []struct {
		goal string
		want string
	}{
		{goal: "just do it", want: "One task: the goal has no numbered or bulleted list to split."},
		{goal: "- only one", want: "1 task from the only item of the goal's bulleted list."},
		{goal: "1. a\n2. b after step 1\n3. c", want: "3 tasks, one per item of the goal's numbered list, 1 of them waiting for others."},
	}
	for _, tc := range cases {
		plan, err := Split(tc.goal)

		require.NoError(t, err)
		assert.Equal(t, tc.want, plan.Summary, "goal %q", tc.goal)
	}
}

func TestSplitErrors(t *testing.T) {
	cases := []struct {
		name string
		goal string
		want string
	}{
		{name: "empty", goal: " \n\t", want: "the goal is empty"},
		{name: "step past the end", goal: "1. a\n2. b after step 7", want: `step 2 refers to step 7 in "after step 7", but the goal lists 2 steps`},
		{name: "step zero", goal: "1. a after step 0\n2. b", want: "step 1 refers to step 0"},
		{name: "itself", goal: "- a\n- b once step 2 is done", want: `step 2 refers to itself in "once step 2"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Split(tc.goal)

			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestSplitCycleFailsValidation(t *testing.T) {
	plan, err := Split("1. a after step 2\n2. b after step 1")
	require.NoError(t, err)

	err = plan.Validate()

	require.Error(t, err)
	assert.Contains(t, err.Error(), "dependency cycle step-1 -> step-2 -> step-1")
}
