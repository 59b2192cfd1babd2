package claudecode

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestToolKind(t *testing.T) {
	cases := map[string]Kind{
		"Write":            KindCode,
		"Edit":             KindCode,
		"MultiEdit":        KindCode,
		"NotebookEdit":     KindCode,
		"Bash":             KindRun,
		"BashOutput":       KindRun,
		"KillShell":        KindRun,
		"KillBash":         KindRun,
		"PowerShell":       KindRun,
		"TaskOutput":       KindRun,
		"TaskStop":         KindRun,
		"Read":             KindResearch,
		"Grep":             KindResearch,
		"Glob":             KindResearch,
		"LS":               KindResearch,
		"WebFetch":         KindResearch,
		"WebSearch":        KindResearch,
		"TodoWrite":        KindPlanning,
		"TaskCreate":       KindPlanning,
		"TaskUpdate":       KindPlanning,
		"TaskGet":          KindPlanning,
		"TaskList":         KindPlanning,
		"EnterPlanMode":    KindPlanning,
		"ExitPlanMode":     KindPlanning,
		"Skill":            KindOther,
		"Task":             KindOther,
		"mcp__axiom__exec": KindOther,
		"write":            KindOther,
		"":                 KindOther,
	}
	for name, want := range cases {
		assert.Equal(t, want, ToolKind(name), "tool %q", name)
	}
}
