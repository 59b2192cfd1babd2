package bench

import (
	"fmt"
	"runtime"
	"strings"
	"time"
)

// ingestSamples are the measurements of every round of the ingest
// benchmark.
type ingestSamples struct {
	// floodBytes is the size of each flood.
	floodBytes int64
	// baseline and pooled are the flood spans by the agent's clock, drained
	// straight from a PTY and run in the pool.
	baseline, pooled []time.Duration
	// screenLag is, per pooled round, the time from the marker's write to
	// the first poll that found it on screen.
	screenLag []time.Duration
	// textLag is, per pooled round, the time from the marker's write to
	// the first poll that found it in the plain text.
	textLag []time.Duration
	// baselineCPU and pooledCPU are the CPU time this process used per
	// round: the baseline's reader, and almost all of it the pool's
	// reading, rendering and transcript writing.
	baselineCPU, pooledCPU []time.Duration
	// dropped is, per pooled round, the bytes of output left out of the
	// transcript files.
	dropped []int64
}

// result compares the median rates and the screen lags with the targets.
// The rate of the median span is the median rate.
func (s ingestSamples) result() Result {
	baseRate := megabytesPerSecond(s.floodBytes, Percentile(s.baseline, 50))
	poolRate := megabytesPerSecond(s.floodBytes, Percentile(s.pooled, 50))
	ratio := 0.0
	if baseRate > 0 {
		ratio = poolRate / baseRate
	}
	medianLag, worstLag := Percentile(s.screenLag, 50), Percentile(s.screenLag, 100)
	rateMet := ratio >= ingestTargetRatio
	lagMet := len(s.screenLag) > 0 && worstLag <= ingestTargetLag
	return Result{
		Name: "ingest",
		Figure: fmt.Sprintf("%.1f MB/s in the pool; screen current %s after the flood (median), %s worst",
			poolRate, Millis(medianLag), Millis(worstLag)),
		Baseline: fmt.Sprintf("%.1f MB/s: the same agent in a PTY read straight into io.Discard", baseRate),
		Ratio:    fmt.Sprintf("%.2f", ratio),
		Target: fmt.Sprintf("rate ratio at least %.1f; screen current within %s in every round",
			ingestTargetRatio, Millis(ingestTargetLag)),
		Met:  rateMet && lagMet,
		Note: s.note(rateMet, lagMet),
	}
}

// note describes how the figures were taken and, for a missed target, what
// the measurements show about it.
func (s ingestSamples) note(rateMet, lagMet bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Medians of %d floods of %d MiB per side in alternating rounds, each timed by the "+
		"agent's clock from its first to its last write. CPU time of this process per flood: %s in the pool, "+
		"%s for the baseline's reader.", len(s.pooled), s.floodBytes>>20,
		Millis(Percentile(s.pooledCPU, 50)), Millis(Percentile(s.baselineCPU, 50)))
	var dropped int64
	for _, d := range s.dropped {
		dropped += d
	}
	if len(s.textLag) > 0 {
		fmt.Fprintf(&b, " The plain text showed the line after the flood %s after it was written (median), "+
			"%s worst.", Millis(Percentile(s.textLag, 50)), Millis(Percentile(s.textLag, 100)))
	}
	if total := s.floodBytes * int64(len(s.dropped)); total > 0 && dropped > 0 {
		fmt.Fprintf(&b, " The transcript files left out %.1f%% of the output: "+
			"during a flood they get only the newest output they can hold, and the disk writer drops "+
			"what it cannot write in time.", 100*float64(dropped)/float64(total))
	} else if total > 0 {
		b.WriteString(" The transcript files kept all of the output.")
	}
	if !rateMet {
		fmt.Fprintf(&b, " Rate target missed: the agent, the kernel's PTY work and the pool share %d cores. "+
			"The pool's extra CPU goes to the in-memory transcript, the plain text, the transcript files "+
			"and the screen.", runtime.NumCPU())
	}
	if !lagMet {
		late := 0
		for _, lag := range s.screenLag {
			if lag > ingestTargetLag {
				late++
			}
		}
		fmt.Fprintf(&b, " Screen target missed in %d of %d rounds.", late, len(s.screenLag))
	}
	return b.String()
}
