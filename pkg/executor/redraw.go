package executor

// outputSinceTickLocked returns the bytes the agent wrote to its terminal
// since the last tick. An idle kill reason reports them when the agent kept
// rewriting the lines already on screen.
func (i *Instance) outputSinceTickLocked() int64 {
	total := i.transcript.Total()
	written := max(0, total-i.prevOutput)
	i.prevOutput = total
	return written
}
