package corpus

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/axiom-mcp/axiom-mcp/pkg/claudecode"
	"github.com/axiom-mcp/axiom-mcp/pkg/proctree"
	"github.com/axiom-mcp/axiom-mcp/pkg/profile"
	"github.com/axiom-mcp/axiom-mcp/pkg/scoring"
	"github.com/axiom-mcp/axiom-mcp/pkg/signals"
	"github.com/axiom-mcp/axiom-mcp/pkg/watch"
)

// replaySession is the session id of every replayed transcript.
const replaySession = "00000000-0000-4000-8000-000000000000"

// Samples replays t and returns the samples the scoring tracker would
// observe, one per second: index i holds the sample at start plus i+1
// seconds. The trace's profile classifies each tick's frame, and its file
// events pass the workspace watcher's filter. Its transcript records are
// written to a session transcript in a temporary directory and read back by
// the transcript follower. A signals.Reader then turns the result into the
// sample, as the executor does for a live instance.
func (t Trace) Samples(start time.Time) ([]scoring.Sample, error) {
	if err := t.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", t.source(), err)
	}
	events, err := t.events()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", t.source(), err)
	}
	dir, err := os.MkdirTemp("", "axiom-corpus-*")
	if err != nil {
		return nil, fmt.Errorf("replay %s: %w", t.source(), err)
	}
	defer os.RemoveAll(dir)
	r, err := newReplay(t, dir)
	if err != nil {
		return nil, fmt.Errorf("replay %s: %w", t.source(), err)
	}
	samples := make([]scoring.Sample, len(events))
	for i, ev := range events {
		at := start.Add(time.Duration(i+1) * tick)
		obs, err := r.step(at, ev)
		if err != nil {
			return nil, fmt.Errorf("replay %s at %s: %w", t.source(), at.Sub(start), err)
		}
		samples[i] = r.reader.Read(obs).Sample
		samples[i].Input = ev.input
	}
	return samples, nil
}

// replay is the state of one instance during a replay.
type replay struct {
	lib        *Library
	prof       *profile.Profile
	reader     *signals.Reader
	files      fileModel
	transcript string
	follower   *claudecode.Transcript
	frame      string
	frameVars  vars
	log        []string
	lines      []string
	cpuTicks   uint64
	turnDone   bool
}

func newReplay(t Trace, dir string) (*replay, error) {
	prof, err := t.profile()
	if err != nil {
		return nil, err
	}
	project := filepath.Join(dir, "projects", "-workspace")
	if err := os.MkdirAll(project, 0o755); err != nil {
		return nil, fmt.Errorf("create transcript directory: %w", err)
	}
	return &replay{
		lib:        t.library(),
		prof:       prof,
		reader:     signals.NewReader(prof),
		files:      fileModel{exists: map[string]bool{}},
		transcript: filepath.Join(project, replaySession+".jsonl"),
		follower:   claudecode.NewTranscript(dir, replaySession),
	}, nil
}

// step applies one tick's events and returns what the executor would
// observe of the instance at that tick.
func (r *replay) step(at time.Time, ev tickEvents) (signals.Observation, error) {
	r.log = append(r.log, ev.prints...)
	if ev.screen != "" {
		r.frame, r.frameVars = r.lib.Frames[ev.screen], ev.screenVars
	}
	if ev.screen != "" || len(ev.prints) > 0 {
		r.lines = render(r.frame, r.frameVars, r.log)
	}
	r.files.apply(ev)
	update, err := r.appendRecords(ev.records)
	if err != nil {
		return signals.Observation{}, err
	}
	r.turnDone = r.turnDone || update.TurnsFinished > 0
	r.cpuTicks += uint64(ev.cpu * proctree.ClockTicks / time.Second)
	obs := signals.Observation{
		At:       at,
		Lines:    r.lines,
		Files:    r.files.counts,
		Tools:    toolKinds(update.Tools),
		State:    agentState(r.prof.Classify(r.lines, ""), r.turnDone),
		CPUTicks: r.cpuTicks,
	}
	for _, text := range update.APIErrors {
		if u := signals.FromText(text, at); u != nil {
			obs.Upstream = u
		}
	}
	return obs, nil
}

// appendRecords writes records to the session transcript and reads back
// what the transcript follower finds.
func (r *replay) appendRecords(records []string) (claudecode.TranscriptUpdate, error) {
	if len(records) > 0 {
		f, err := os.OpenFile(r.transcript, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			return claudecode.TranscriptUpdate{}, fmt.Errorf("write transcript: %w", err)
		}
		_, werr := f.WriteString(strings.Join(records, "\n") + "\n")
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return claudecode.TranscriptUpdate{}, fmt.Errorf("write transcript: %w", werr)
		}
	}
	update, err := r.follower.Poll()
	if err != nil {
		return update, fmt.Errorf("read transcript: %w", err)
	}
	return update, nil
}

func toolKinds(tools []claudecode.ToolUse) map[scoring.ToolKind]int {
	if len(tools) == 0 {
		return nil
	}
	kinds := make(map[scoring.ToolKind]int)
	for _, tool := range tools {
		kinds[scoring.ToolKind(tool.Kind)]++
	}
	return kinds
}

// agentState maps the profile's reading of a frame to the tracker's state
// as the executor does without a driver to answer dialogs: a turn ends only
// when the transcript records it, and a summary line on screen alone keeps
// the last state.
func agentState(obs profile.Observation, turnDone bool) scoring.AgentState {
	if turnDone {
		return scoring.StateTurnFinished
	}
	switch obs.State {
	case profile.StateReady:
		return scoring.StateReady
	case profile.StateWorking:
		return scoring.StateWorking
	case profile.StateWaitingInput:
		return scoring.StateWaitingInput
	case profile.StateDialog:
		return scoring.StateDialog
	case profile.StateExited:
		return scoring.StateExited
	default:
		return scoring.StateUnknown
	}
}

// fileModel counts file events the way the workspace watcher does: the
// watcher's filter drops temp names and ignored folders, a write to a path
// that does not exist yet creates it, and deleting a missing path is no
// event.
type fileModel struct {
	opts   watch.Options
	exists map[string]bool
	counts signals.FileCounts
}

func (m *fileModel) apply(ev tickEvents) {
	for _, rel := range append(append([]string{}, ev.create...), ev.modify...) {
		if !m.opts.Counts(rel) {
			continue
		}
		if m.exists[rel] {
			m.counts.Modified++
		} else {
			m.exists[rel] = true
			m.counts.Created++
		}
	}
	for _, rel := range ev.delete {
		if m.opts.Counts(rel) && m.exists[rel] {
			delete(m.exists, rel)
			m.counts.Deleted++
		}
	}
}
