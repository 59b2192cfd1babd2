package leakcheck

import (
	"runtime"
	"strconv"
	"strings"
)

// goroutine is one goroutine's entry in a runtime.Stack dump of all
// goroutines.
type goroutine struct {
	id    int
	stack string
}

// ignoredFrames name functions whose goroutines belong to the runtime or the
// testing package and live on between tests.
var ignoredFrames = []string{
	"testing.tRunner(",
	"testing.(*T).Run(",
	"testing.runTests(",
	"testing.(*M).",
	"runtime.goexit0",
	"os/signal.signal_recv",
	"os/signal.loop",
	"runtime.ensureSigM",
	"runtime/trace.",
	"internal/leakcheck.goroutines(",
}

func (g goroutine) ignored() bool {
	for _, frame := range ignoredFrames {
		if strings.Contains(g.stack, frame) {
			return true
		}
	}
	return false
}

// goroutines returns every goroutine of the process by id.
func goroutines() map[int]goroutine {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	found := make(map[int]goroutine)
	for _, block := range strings.Split(string(buf), "\n\n") {
		id, ok := goroutineID(block)
		if ok {
			found[id] = goroutine{id: id, stack: block}
		}
	}
	return found
}

// goroutineID reads the id from a header such as "goroutine 7 [running]:".
func goroutineID(block string) (int, bool) {
	rest, ok := strings.CutPrefix(block, "goroutine ")
	if !ok {
		return 0, false
	}
	digits, _, ok := strings.Cut(rest, " ")
	if !ok {
		return 0, false
	}
	id, err := strconv.Atoi(digits)
	return id, err == nil
}
