package executor

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"go.uber.org/zap"
)

// memoryHoldRecheck is how long new starts wait after a start was held
// for lack of memory before the pool looks again.
const memoryHoldRecheck = 2 * time.Second

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

// holdForMemoryLocked holds new starts until the next reading of the
// available memory, memoryHoldRecheck from now, and warns when a hold
// begins.
func (p *Pool) holdForMemoryLocked(now time.Time, reason string) {
	if p.memoryHold == "" {
		p.publish(Event{Kind: EventWarning, Level: LevelWarning, Message: "new starts wait: " + reason +
			"; lower --min-free-memory (config key min_free_memory) to start them anyway"})
	}
	p.memoryHold, p.memoryCheckAt = reason, now.Add(memoryHoldRecheck)
}

// endMemoryHoldLocked reports the end of a hold for memory, if one was on.
func (p *Pool) endMemoryHoldLocked() {
	if p.memoryHold == "" {
		return
	}
	p.memoryHold = ""
	p.publish(Event{Kind: EventWarning, Level: LevelInfo, Message: "enough memory is available again; starts go on"})
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
