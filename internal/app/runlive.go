package app

import (
	"context"
	"io"
	"os"
	"sync"

	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
	"github.com/axiom-mcp/axiom-mcp/pkg/tui"
)

// startProgress shows the progress of pool on out until the returned stop
// function is called: a live table when out is a terminal, else one line
// per event. It reports whether the table is live, so the caller leaves
// out alone while it is drawn.
func startProgress(pool *executor.Pool, out io.Writer) (stop func(), live bool) {
	events, unsubscribe := pool.Subscribe(1024)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	file, isFile := out.(*os.File)
	live = isFile && tui.IsTerminal(file)
	if live {
		table := &tui.Live{Out: file, Title: "Ctrl-C ends every instance", Events: events,
			Status: func() (executor.Status, error) { return pool.Status(executor.Filter{TailLines: 3}) }}
		go func() { defer wg.Done(); _ = table.Run(ctx) }()
	} else {
		go func() { defer wg.Done(); printEvents(out, events) }()
	}
	return func() {
		unsubscribe()
		cancel()
		wg.Wait()
	}, live
}
