package bench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/axiom-mcp/axiom-mcp/pkg/agent"
	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
)

// ingestPollInterval is how often a pooled round reads the agent's
// timestamp file and, once the marker time is in it, the screen.
const ingestPollInterval = 2 * time.Millisecond

// ingestRoundLimit bounds one pooled round, from the submit to the marker
// on screen.
const ingestRoundLimit = 2 * time.Minute

// ingestPool is an in-process pool that runs the test agent with the
// "command" profile, as the server would run it.
type ingestPool struct {
	pool *executor.Pool
	stop func()
}

// startIngestPool starts a pool of one instance with workspaces and
// transcript files under dir. stop shuts it down and waits for every
// instance to end.
func startIngestPool(ctx context.Context, env *Env, dir string) (*ingestPool, error) {
	tpl, err := agent.Parse(env.TestAgent)
	if err != nil {
		return nil, fmt.Errorf("test agent command: %w", err)
	}
	pool, err := executor.New(executor.Options{
		MaxInstances:  1,
		WorkspaceRoot: filepath.Join(dir, "workspaces"),
		Agent:         tpl,
		Cols:          ingestCols,
		Rows:          ingestRows,
		// Each round ends by cancelling its task, which the pool logs as a
		// warning, so only errors are worth showing here.
		Logger: env.Log.WithOptions(zap.IncreaseLevel(zap.ErrorLevel)),
	})
	if err != nil {
		return nil, fmt.Errorf("create the pool: %w", err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = pool.Run(runCtx)
	}()
	return &ingestPool{pool: pool, stop: func() { cancel(); <-done }}, nil
}

// pooledRound contains the measurements of one pooled round.
type pooledRound struct {
	times floodTimes
	// screenLag is the time from the marker's write to the first poll that
	// found it on the instance's screen.
	screenLag time.Duration
	// textLag is the time from the marker's write to the first poll that
	// found it in the instance's plain text, which catches up once a flood
	// pauses.
	textLag time.Duration
	// dropped is how many bytes of raw output and plain text the
	// transcript files left out because the disk writer fell behind.
	dropped int64
}

// floodAndWatch submits prompt, waits until the agent has recorded the
// marker time in timesFile and then polls the screen until it shows marker.
// It cancels the task before it returns, which kills the agent.
func (p *ingestPool) floodAndWatch(ctx context.Context, prompt, timesFile, marker string) (pooledRound, error) {
	ctx, cancel := context.WithTimeout(ctx, ingestRoundLimit)
	defer cancel()
	infos, err := p.pool.Submit([]executor.TaskSpec{{Prompt: prompt, MaxAttempts: 1}})
	if err != nil {
		return pooledRound{}, fmt.Errorf("submit the flood: %w", err)
	}
	task := infos[0]
	defer func() { _, _ = p.pool.Cancel([]string{task.ID}, "ingest round over") }()

	instanceID, err := p.waitInstance(ctx, task.ID)
	if err != nil {
		return pooledRound{}, err
	}
	return p.watchScreen(ctx, task.ID, instanceID, filepath.Join(task.Workspace, timesFile), marker)
}

// waitInstance polls until the task has started its instance.
func (p *ingestPool) waitInstance(ctx context.Context, taskID string) (string, error) {
	for {
		info, err := p.pool.Task(taskID)
		if err != nil {
			return "", fmt.Errorf("look up the flood task: %w", err)
		}
		if len(info.Instances) > 0 {
			return info.Instances[0], nil
		}
		if info.State != "queued" {
			return "", fmt.Errorf("flood task %s is %s without an instance: %s", taskID, info.State, info.LastError)
		}
		if err := sleepContext(ctx, ingestPollInterval); err != nil {
			return "", fmt.Errorf("wait for the flood task %s to start: %w", taskID, err)
		}
	}
}

// watchScreen polls the timestamp file until it contains the marker time,
// then the screen until it shows marker. The screen is read only after the
// flood, so that the polls do not hold the emulator's lock during it.
func (p *ingestPool) watchScreen(ctx context.Context, taskID, instanceID, timesPath, marker string) (pooledRound, error) {
	var times floodTimes
	for {
		if times.Marker.IsZero() {
			var err error
			if times, err = pollFloodTimes(timesPath); err != nil {
				return pooledRound{}, err
			}
			if err := p.checkRunning(taskID); times.Marker.IsZero() && err != nil {
				return pooledRound{}, err
			}
		}
		if !times.Marker.IsZero() {
			view, err := p.pool.Screen(instanceID)
			if err != nil {
				return pooledRound{}, fmt.Errorf("read the screen of instance %s: %w", instanceID, err)
			}
			if screenShows(view.Lines, marker) {
				round := pooledRound{times: times, screenLag: time.Since(times.Marker)}
				if round.textLag, err = p.waitText(ctx, instanceID, times.Marker, marker); err != nil {
					return pooledRound{}, err
				}
				round.dropped = p.transcriptDropped(taskID)
				return round, nil
			}
			if view.State == executor.StateExited.String() || view.State == executor.StateKilled.String() {
				return pooledRound{}, fmt.Errorf("instance %s %s before its screen showed marker %q",
					instanceID, view.State, marker)
			}
		}
		if err := sleepContext(ctx, ingestPollInterval); err != nil {
			return pooledRound{}, fmt.Errorf("wait for marker %q on the screen of instance %s: %w",
				marker, instanceID, err)
		}
	}
}

// waitText polls the instance's plain text until it shows marker and
// returns the time since markerAt. The files are written from the same
// batch, so the count of bytes they left out is final then.
func (p *ingestPool) waitText(ctx context.Context, instanceID string, markerAt time.Time, marker string) (time.Duration, error) {
	for {
		window, err := p.pool.TranscriptTail(instanceID, 4<<10)
		if err != nil {
			return 0, fmt.Errorf("read the plain text of instance %s: %w", instanceID, err)
		}
		if strings.Contains(string(window.Text), marker) {
			return time.Since(markerAt), nil
		}
		if err := sleepContext(ctx, ingestPollInterval); err != nil {
			return 0, fmt.Errorf("wait for marker %q in the plain text of instance %s: %w", marker, instanceID, err)
		}
	}
}

// transcriptDropped returns how many bytes the task's instance left out of
// its transcript files, or 0 when status cannot be read.
func (p *ingestPool) transcriptDropped(taskID string) int64 {
	st, err := p.pool.Status(executor.Filter{TaskID: taskID})
	if err != nil || len(st.Instances) == 0 {
		return 0
	}
	return st.Instances[0].TranscriptDropped
}

// checkRunning returns an error when the task has ended, which it does
// before the marker only when the agent failed.
func (p *ingestPool) checkRunning(taskID string) error {
	info, err := p.pool.Task(taskID)
	if err != nil {
		return fmt.Errorf("look up the flood task: %w", err)
	}
	if info.State != "running" {
		return fmt.Errorf("flood task %s is %s before its agent recorded the marker time: %s",
			taskID, info.State, info.LastError)
	}
	return nil
}

// pollFloodTimes reads the timestamp file, which does not exist before the
// agent has recorded its first time.
func pollFloodTimes(path string) (floodTimes, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return floodTimes{}, nil
	}
	if err != nil {
		return floodTimes{}, fmt.Errorf("read the agent's timestamps: %w", err)
	}
	times, _, err := parseFloodTimes(data)
	if err != nil {
		return floodTimes{}, fmt.Errorf("parse %s: %w", path, err)
	}
	return times, nil
}

// screenShows reports whether the screen rows contain marker. The rows are
// joined because the marker follows the flood on its last row and may wrap
// onto the next one.
func screenShows(lines []string, marker string) bool {
	return strings.Contains(strings.Join(lines, ""), marker)
}

// sleepContext waits for d, or returns ctx's error when it ends first.
func sleepContext(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
