package executor

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"go.uber.org/zap"
)

// holdRecheck is how long new starts wait after a start was held for lack
// of memory or for a high load before the pool looks again.
const holdRecheck = 2 * time.Second

// hold is the cause of a wait of new starts for the machine: too little
// memory or too high a load. The zero hold means they do not wait.
type hold struct {
	// until names what the starts wait for, such as "enough memory is
	// available".
	until string
	// reason gives the readings that caused the hold.
	reason string
	// setting is the flag and config key that would let the starts go on.
	setting string
}

// A new agent grows for a few seconds after it starts, and one Claude Code
// 2.1.197 instance was measured at 213 to 300 MB of RSS. A reading taken
// right after a start misses that memory, so a burst of starts would all
// pass the check on one reading. Each start within startSettle therefore
// counts as startReserve bytes that the reading does not show yet.
const (
	startSettle  = 5 * time.Second
	startReserve = 300 << 20
)

// memoryShortLocked reports whether the machine has less memory available
// than a start needs, with a reason that gives both amounts. A start needs
// MinFreeMemory plus startReserve for each start of the last startSettle.
// A reading that fails lets the start go on, so that a pool where
// /proc/meminfo cannot be read still runs.
func (p *Pool) memoryShortLocked(now time.Time) (string, bool) {
	if p.opts.MinFreeMemory <= 0 {
		return "", false
	}
	available, err := p.opts.FreeMemory()
	if err != nil {
		p.log.Debug("reading the available memory failed; starting anyway", zap.Error(err))
		return "", false
	}
	settling := p.settlingStartsLocked(now)
	need := p.opts.MinFreeMemory + int64(settling)*startReserve
	if available >= need {
		return "", false
	}
	if settling == 0 {
		return fmt.Sprintf("%d MiB of memory available, under the %d MiB a start needs (min_free_memory)",
			available>>20, need>>20), true
	}
	return fmt.Sprintf("%d MiB of memory available, under the %d MiB a start needs "+
		"(min_free_memory %d MiB and %d MiB for each of the %d instances started in the last %s)",
		available>>20, need>>20, p.opts.MinFreeMemory>>20, startReserve>>20, settling, startSettle), true
}

// settlingStartsLocked drops the starts older than startSettle and
// returns how many remain.
func (p *Pool) settlingStartsLocked(now time.Time) int {
	kept := p.recentStarts[:0]
	for _, at := range p.recentStarts {
		if now.Sub(at) < startSettle {
			kept = append(kept, at)
		}
	}
	p.recentStarts = kept
	return len(kept)
}

// checkMachineLocked returns the hold that the machine's memory or load
// puts on a start now, or the zero hold.
func (p *Pool) checkMachineLocked(now time.Time) hold {
	if reason, short := p.memoryShortLocked(now); short {
		return hold{until: "enough memory is available", reason: reason,
			setting: "lower --min-free-memory (config key min_free_memory)"}
	}
	if reason, high := p.loadHighLocked(); high {
		return hold{until: "the load average falls", reason: reason,
			setting: "raise or turn off --max-load (config key max_load)"}
	}
	return hold{}
}

// holdStartsLocked holds new starts until the next reading, holdRecheck
// from now, and warns when a hold begins or changes its cause.
func (p *Pool) holdStartsLocked(now time.Time, h hold) {
	if p.machineHold.until != h.until {
		p.publish(Event{Kind: EventWarning, Level: LevelWarning, Message: "new starts wait: " + h.reason +
			"; " + h.setting + " to start them anyway"})
	}
	p.machineHold, p.holdCheckAt = h, now.Add(holdRecheck)
}

// endHoldLocked reports the end of a hold, if one was on.
func (p *Pool) endHoldLocked() {
	if p.machineHold.until == "" {
		return
	}
	until := p.machineHold.until
	p.machineHold = hold{}
	p.publish(Event{Kind: EventWarning, Level: LevelInfo, Message: "starts go on: " + until})
}

// loadHighLocked reports whether the 1-minute load average per core is
// above MaxLoad, with a reason that gives both. A reading that fails lets
// the start go on.
func (p *Pool) loadHighLocked() (string, bool) {
	if p.opts.MaxLoad <= 0 {
		return "", false
	}
	load, err := p.opts.LoadAverage()
	if err != nil {
		p.log.Debug("reading the load average failed; starting anyway", zap.Error(err))
		return "", false
	}
	cores := runtime.NumCPU()
	if load <= p.opts.MaxLoad*float64(cores) {
		return "", false
	}
	return fmt.Sprintf("load average %.2f on %d cores, %.2f per core, over the %.2f per core that starts allow (max_load)",
		load, cores, load/float64(cores), p.opts.MaxLoad), true
}

// ReadLoadAverage returns the 1-minute load average of /proc/loadavg.
func ReadLoadAverage() (float64, error) {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0, fmt.Errorf("read the load average: %w", err)
	}
	return parseLoadAverage(data)
}

// parseLoadAverage returns the first field of the content of /proc/loadavg.
func parseLoadAverage(data []byte) (float64, error) {
	fields := strings.Fields(string(data))
	if len(fields) == 0 {
		return 0, fmt.Errorf("/proc/loadavg is empty")
	}
	load, err := strconv.ParseFloat(fields[0], 64)
	if err != nil {
		return 0, fmt.Errorf("load average %q in /proc/loadavg is not a number", fields[0])
	}
	return load, nil
}

// ReadMemAvailable returns MemAvailable of /proc/meminfo in bytes: the
// kernel's estimate of the memory that new processes can use without
// swapping.
func ReadMemAvailable() (int64, error) {
	return readMeminfo("MemAvailable")
}

// ReadMemTotal returns MemTotal of /proc/meminfo in bytes.
func ReadMemTotal() (int64, error) {
	return readMeminfo("MemTotal")
}

func readMeminfo(key string) (int64, error) {
	data, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0, fmt.Errorf("read %s: %w", key, err)
	}
	return parseMeminfo(data, key)
}

// parseMeminfo returns the value of key, given in kB, in bytes.
func parseMeminfo(data []byte, key string) (int64, error) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), ":")
		if !ok || name != key {
			continue
		}
		kib, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%s %q in /proc/meminfo is not a number of kB", key, strings.TrimSpace(value))
		}
		return kib << 10, nil
	}
	return 0, fmt.Errorf("%s missing from /proc/meminfo", key)
}
