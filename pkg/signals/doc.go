// Package signals turns the observation of one agent instance at a scoring
// tick into the sample that pkg/scoring judges. A sample counts changed
// screen lines, file events, tool calls by kind, the CPU time of the
// agent's descendants, the progress counter of a thinking model, and
// failures of the model API shown on screen.
//
// The executor feeds a Reader from a live instance, and the behaviour corpus
// feeds one from recorded and scripted traces, so both are judged by the
// same code. A Reader does no I/O and reads no clock: every time comes in
// with the observation.
package signals
