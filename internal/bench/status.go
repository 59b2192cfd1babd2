package bench

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"time"

	"github.com/axiom-mcp/axiom-mcp/pkg/tools"
)

// Shape of the status benchmark: statusTasks tasks, of which statusBusy
// run at once, queued statusBatch to a spawn call.
const (
	statusTasks  = 1000
	statusBusy   = 10
	statusBatch  = 100
	statusTarget = 100 * time.Millisecond
)

// busyPrompt makes the test agent write two files and then print a line
// every 100 ms until it is ended.
const busyPrompt = "productive:2 chatty"

// latencies are the client-side durations of the timed calls.
type latencies struct {
	status, ping []time.Duration
	// statusBytes is the size of the last status result's structured
	// content as it came over the wire.
	statusBytes int
	// last is the last status result.
	last tools.StatusOutput
	// loadAverage is the machine's 1-minute load average after the calls.
	loadAverage string
}

// StatusLatency measures how long a status call with default arguments
// takes at the client while 10 busy instances run and 990 tasks wait,
// against MCP ping round trips interleaved with them on the same
// connection.
func StatusLatency(ctx context.Context, env *Env) (res Result, err error) {
	calls := 500
	if env.Quick {
		calls = 100
	}
	srv, err := startServer(ctx, env, statusBusy)
	if err != nil {
		return Result{}, err
	}
	defer func() { err = errors.Join(err, srv.stop()) }()

	if err := spawnBusy(ctx, env, srv); err != nil {
		return Result{}, err
	}
	env.Progressf("%d instances print; timing %d status calls and %d pings", statusBusy, calls, calls)
	lat, err := timeStatusAndPing(ctx, srv, calls)
	if err != nil {
		return Result{}, err
	}
	lat.loadAverage = ReadMachine().LoadAvg
	if lat.last.Pool.Running != statusBusy || lat.last.Pool.Queued != statusTasks-statusBusy {
		return Result{}, fmt.Errorf("at the end %d instances ran and %d tasks were queued, expected %d and %d: see %s",
			lat.last.Pool.Running, lat.last.Pool.Queued, statusBusy, statusTasks-statusBusy, srv.logPath)
	}
	return statusResult(lat), nil
}

// spawnBusy queues statusTasks busy tasks in batches and waits until
// statusBusy of them run and have printed.
func spawnBusy(ctx context.Context, env *Env, srv *mcpServer) error {
	for queued := 0; queued < statusTasks; queued += statusBatch {
		if _, err := srv.spawn(ctx, repeatPrompt(busyPrompt, statusBatch)); err != nil {
			return fmt.Errorf("spawn tasks %d to %d: %w", queued+1, queued+statusBatch, err)
		}
	}
	env.Progressf("%d tasks queued on server pid %d", statusTasks, srv.PID())
	if _, err := srv.waitOutput(ctx, statusBusy, 60*time.Second); err != nil {
		return err
	}
	return nil
}

// timeStatusAndPing sends calls status requests with no arguments, each
// followed by a ping, and times each from sending the request until the
// client returns the decoded response.
func timeStatusAndPing(ctx context.Context, srv *mcpServer, calls int) (latencies, error) {
	lat := latencies{status: make([]time.Duration, 0, calls), ping: make([]time.Duration, 0, calls)}
	for range calls {
		start := time.Now()
		res, err := srv.call(ctx, "status", map[string]any{})
		lat.status = append(lat.status, time.Since(start))
		if err != nil {
			return lat, err
		}
		start = time.Now()
		err = srv.client.Ping(ctx)
		lat.ping = append(lat.ping, time.Since(start))
		if err != nil {
			return lat, fmt.Errorf("ping server pid %d: %w", srv.PID(), err)
		}
		lat.statusBytes = len(res.RawStructuredContent)
		if err := decodeStructured(res, &lat.last); err != nil {
			return lat, err
		}
	}
	return lat, nil
}

func statusResult(lat latencies) Result {
	statusP50, statusP99 := Percentile(lat.status, 50), Percentile(lat.status, 99)
	pingP50, pingP99 := Percentile(lat.ping, 50), Percentile(lat.ping, 99)
	res := Result{
		Name: fmt.Sprintf("status latency, %d busy instances of %d tasks", statusBusy, statusTasks),
		Figure: fmt.Sprintf("status p50 %s, p99 %s (%d calls with default arguments)",
			Millis(statusP50), Millis(statusP99), len(lat.status)),
		Baseline: fmt.Sprintf("MCP ping p50 %s, p99 %s (%d round trips on the same connection, "+
			"alternating with the status calls)", Millis(pingP50), Millis(pingP99), len(lat.ping)),
		Ratio:  fmt.Sprintf("%.1f", float64(statusP99)/float64(pingP99)),
		Target: "status p99 under " + Millis(statusTarget),
		Met:    statusP99 < statusTarget,
	}
	res.Note = fmt.Sprintf("%d busy instances (the test agent printing a line every 100 ms) and %d queued tasks. "+
		"Each status result carried %d tasks, %d instances and %.1f KiB of structured content. Ratio is status "+
		"p99 over ping p99. The 1-minute load average after the calls was %s on %d cores.",
		statusBusy, statusTasks-statusBusy, len(lat.last.Tasks), len(lat.last.Instances),
		float64(lat.statusBytes)/1024, lat.loadAverage, runtime.NumCPU())
	if !res.Met {
		res.Note = fmt.Sprintf("Target missed. For comparison, an empty ping round trip took %s at p99 in the "+
			"same run. ", Millis(pingP99)) + res.Note
	}
	return res
}
