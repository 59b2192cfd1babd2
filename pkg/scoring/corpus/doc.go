// Package corpus replays labelled behaviour traces through the scoring
// tracker and checks each verdict against the behaviour's target.
//
// A trace is a YAML file that describes one behaviour, such as a steady
// coder or a stalled stream, as segments of repeated samples:
//
//	name: steady-coder
//	label: productive
//	expect: keep
//	duration: 300s
//	samples:
//	  - {from: 0s, to: 300s, every: 5s, files_created: 1, changed_lines: 3, tools: {code: 1}}
//	  - {from: 0s, to: 300s, every: 1s, cpu: 50ms}
//
// The runner feeds the tracker one sample per second, at the ticks 1 s to
// duration, and evaluates after each sample, as the executor does. The
// sample of tick t covers the second that ends at t.
//
// Segments merge into those samples by these rules:
//
//   - A segment contributes to the ticks in the half-open range (from, to]
//     that lie a whole number of periods after from: from+every,
//     from+2*every, and so on. So {from: 0s, to: 10s, every: 5s} fills the
//     ticks 5 s and 10 s, and two segments that meet at 100 s share no tick.
//   - from, to and every are whole seconds, to is at most the duration, and
//     every is at least 1 s.
//   - Counts add up: changed lines, file events, tool calls by kind and CPU
//     time of all segments on a tick are summed.
//   - Flags combine with OR: a tick is thinking, or has input, when any of
//     its segments sets the flag.
//   - State and upstream error are single values. Two segments that set
//     different states, or both set an upstream error, on the same tick
//     make the trace invalid. The tracker keeps the last state it was given,
//     so a state needs to be set only where it changes.
//   - Each sample covers 1 s, so cpu is CPU time per second: 900ms is 90% of
//     a core.
//   - An upstream error's reset_after sets its reset time to the tick plus
//     reset_after. Zero leaves the reset time unknown.
//
// A kill is expected within a deadline: the time its clock started, plus
// the threshold, plus the trace's within (5 s when unset). The clock of
// kill-idle starts at the last activity and runs for IdleTimeout. The clock
// of kill-unproductive starts when the score fell under MinScore for the
// stretch that ends in the kill, and runs for UnproductiveFor. The clock of
// kill-no-answer starts when the wait began and runs for InputTimeout.
package corpus
