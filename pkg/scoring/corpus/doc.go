// Package corpus replays labelled behaviour traces through the same signal
// reading and scoring as a live instance, and checks each verdict against
// the behaviour's target.
//
// A trace is a YAML file that describes one behaviour, such as a steady
// coder or a stalled stream, as what the agent shows and does over time:
//
//	name: steady-coder
//	label: productive
//	expect: keep
//	duration: 300s
//	events:
//	  - {from: 0s, to: 300s, every: 1s, screen: working, cpu: 50ms}
//	  - from: 0s
//	    to: 300s
//	    every: 5s
//	    print: ["● Write(src/part{n}.go)"]
//	    create: ["src/part{n}.go"]
//	    transcript: [write]
//
// A segment names the raw observations of an instance:
//
//   - screen: a frame of the library, shown from that tick until another
//     segment names one. Frames are screens modelled on captures of Claude
//     Code 2.1.197. The agent profile (profile, default claude) classifies
//     each one, and the tracker receives that state. A frame line that is
//     {log} shows the last 12 lines printed.
//   - print: lines the agent prints, which scroll through the frame's log.
//   - create, modify, delete: file events in the workspace, as relative
//     paths. They pass the workspace watcher's filter, so temp names and
//     ignored folders do not count, and writing a missing file creates it.
//   - transcript: records of the library that the agent appends to its
//     session transcript. The replay writes them to a transcript file and
//     reads them back with the transcript follower, which counts tool
//     calls by kind, finished turns and failures of the model API.
//   - cpu: the CPU time the agent's descendants use per second.
//   - input: a client typed into the instance.
//
// Text fields are templates: {n} is the segment's repeat count from 1, {t}
// the seconds since the start, and {uuid} a fresh id.
//
// The library contains frames/NAME.txt and records/NAME.json beside the
// traces. A corpus directory given to Load adds its own entries, and an
// entry replaces the built-in one of the same name.
//
// The replay takes one observation per second, at the ticks 1 s to
// duration, turns it into a sample with pkg/signals, and evaluates after
// each sample, as the executor does. Segments merge into ticks by these
// rules:
//
//   - A segment acts at the ticks in the half-open range (from, to] that lie
//     a whole number of periods after from: from+every, from+2*every, and
//     so on. So {from: 0s, to: 10s, every: 5s} acts at 5 s and 10 s, and two
//     segments that meet at 100 s share no tick.
//   - from, to and every are whole seconds, to is at most the duration, and
//     every is at least 1 s.
//   - Prints, file events and records of all segments on a tick add up, in
//     the order of the segments. CPU time adds up too.
//   - Two segments that show different frames on one tick make the trace
//     invalid.
//
// A kill is expected within a deadline: the time its clock started, plus
// the threshold, plus the trace's within (5 s when unset). The clock of
// kill-idle starts at the last activity and runs for IdleTimeout. The clock
// of kill-unproductive starts when the score fell under MinScore for the
// stretch that ends in the kill, and runs for UnproductiveFor. The clock of
// kill-no-answer starts when the wait began and runs for InputTimeout. The
// clock of kill-upstream starts at the first of an unbroken run of rejected
// credentials and runs for AuthStopAfter.
package corpus
