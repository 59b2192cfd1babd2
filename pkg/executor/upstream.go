package executor

import "github.com/axiom-mcp/axiom-mcp/pkg/scoring"

// noteUpstreamLocked keeps the latest upstream failure for the next tick.
func (i *Instance) noteUpstreamLocked(u *scoring.Upstream) {
	if u != nil {
		i.view.upstream = u
		i.noteUpstreamSeenLocked(u, i.cfg.Now())
	}
}

// takeUpstreamLocked returns the failure of the model API that the
// transcript or the output stream reported since the last tick, or nil.
func (i *Instance) takeUpstreamLocked() *scoring.Upstream {
	u := i.view.upstream
	i.view.upstream = nil
	return u
}
