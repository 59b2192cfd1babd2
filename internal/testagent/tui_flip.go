package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"time"
)

// flipLogFile is the file in the working directory to which tui-flip
// appends the time of each screen change.
const flipLogFile = "flips.log"

// Bounds of how long each screen of tui-flip stays. The hold is random, so
// an observer that looks at fixed times meets the changes at every phase.
const (
	flipHoldMin = 250 * time.Millisecond
	flipHoldMax = 650 * time.Millisecond
)

// planTUIFlip makes each turn switch between the busy screen and a
// permission question the given number of times before it ends as usual.
// The question goes away by itself. Each switch is logged to flips.log with
// the time the frame was written, so a benchmark can time how long an
// observer takes to see it.
func planTUIFlip(arg string, hasArg bool) (step, error) {
	if !hasArg {
		return nil, fmt.Errorf("tui-flip needs a count, such as tui-flip:20")
	}
	n, err := countArg(arg, hasArg, 0)
	if err != nil {
		return nil, err
	}
	return func() error {
		tuiSettings.flips = n
		return nil
	}, nil
}

// flip shows the busy screen and the question in turn, t.opts.flips times
// each, logging each change.
func (t *tui) flip(start time.Time) error {
	log, err := os.OpenFile(flipLogFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("open %s in the working directory: %w", flipLogFile, err)
	}
	defer log.Close()
	for n := 0; n < t.opts.flips; n++ {
		if err := t.spinFor(start, flipHold(), log); err != nil {
			return err
		}
		t.draw(t.questionScreen("flip.txt"))
		fmt.Fprintf(log, "%d waiting_input\n", time.Now().UnixNano())
		if err := t.pause(flipHold()); err != nil {
			return err
		}
	}
	return t.spinFor(start, flipHold(), log)
}

// spinFor shows the busy screen for hold and logs when its first frame was
// written.
func (t *tui) spinFor(start time.Time, hold time.Duration, log *os.File) error {
	ticker := time.NewTicker(spinnerInterval)
	defer ticker.Stop()
	done := time.NewTimer(hold)
	defer done.Stop()
	for frame := 0; ; frame++ {
		t.draw(t.workingScreen(frame, time.Since(start)))
		if frame == 0 {
			fmt.Fprintf(log, "%d working\n", time.Now().UnixNano())
		}
		select {
		case <-done.C:
			return nil
		case <-ticker.C:
		case sig := <-t.signals:
			return signalExit(sig)
		}
	}
}

// pause waits for d, ending the program on a signal. Keys are left unread.
func (t *tui) pause(d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case sig := <-t.signals:
		return signalExit(sig)
	}
}

func flipHold() time.Duration {
	return flipHoldMin + rand.N(flipHoldMax-flipHoldMin)
}
