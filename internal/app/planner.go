package app

import "github.com/axiom-mcp/axiom-mcp/pkg/decompose"

// agentPlanner returns the planner of the decompose tool's agent mode, or
// nil when none is configured. It runs Claude Code in print mode in the
// server's working directory, with the agents' extra environment.
func (c Config) agentPlanner() *decompose.Planner {
	if c.Planner == "" {
		return nil
	}
	return &decompose.Planner{
		Command: decompose.ClaudeCommand(c.Planner),
		Env:     c.ExtraEnv,
		Logger:  c.Logger,
	}
}
