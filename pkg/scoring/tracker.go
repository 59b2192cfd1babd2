package scoring

import "time"

// Tracker keeps the recent samples of one instance and judges it. It is not
// safe for concurrent use.
type Tracker struct {
	th Thresholds
	w  Weights

	// lastActivity starts the idle clock. lastWork, the last file event or
	// tool call, starts the recency part.
	lastActivity time.Time
	// everActive is false until the first active sample, so that an agent
	// stuck before it showed anything is named as such.
	everActive   bool
	lastWork     time.Time
	lastInput    time.Time
	lastThinking time.Time
	// graceHeldSince is when the intervention grace first turned the
	// current kill into Warn, or the zero time.
	graceHeldSince time.Time
	// idleCPU is the CPU time of the samples since lastActivity, all of them
	// under CPUActive.
	idleCPU time.Duration
	// idleOutput counts the bytes written to the terminal since lastActivity
	// without a changed line.
	idleOutput int64

	state        AgentState
	waitingSince time.Time
	upstream     *Upstream
	pauseUntil   time.Time
	// authSince is the start of the unbroken upstream pause in which every
	// error was a rejection of the credentials, or the zero time.
	authSince time.Time
	lowSince  time.Time
	stops     stops
	events    []event
}

// event is the part of a sample that earns points in the window.
type event struct {
	at    time.Time
	lines int
	files int
	tools toolCounts
	// cpu is the sample's CPU time when its share reached CPUActive, or 0.
	cpu time.Duration
}

// NewTracker starts tracking an instance that started at start, with the
// default weights. Zero thresholds take their defaults. The caller validates
// th with Thresholds.Validate.
func NewTracker(th Thresholds, start time.Time) *Tracker {
	return NewTrackerWithWeights(th, Weights{}, start)
}

// NewTrackerWithWeights starts tracking an instance that started at start.
// Zero thresholds and weights take their defaults. The caller validates them
// with Validate.
func NewTrackerWithWeights(th Thresholds, w Weights, start time.Time) *Tracker {
	return &Tracker{
		th:           th.WithDefaults(),
		w:            w.WithDefaults(),
		lastActivity: start,
		lastWork:     start,
	}
}

// LastActivity returns the time of the last active sample, or the start.
func (t *Tracker) LastActivity() time.Time { return t.lastActivity }

// Observe records a sample. Activity is a changed line, a file event, a tool
// call, input, a CPU share at or above CPUActive, thinking, or entering or
// leaving a waiting state.
func (t *Tracker) Observe(s Sample) {
	tools := s.toolCalls()
	files := s.fileEvents()
	lines := max(0, s.ChangedLines)
	var cpu time.Duration
	if s.CPU > 0 && s.cpuShare() >= t.th.CPUActive {
		cpu = s.CPU
	}

	waitChanged := t.observeState(s)
	t.observeUpstream(s, files > 0 || tools.total() > 0)
	if s.Input {
		t.lastInput = later(t.lastInput, s.At)
	}
	if s.Thinking {
		t.lastThinking = later(t.lastThinking, s.At)
	}

	active := lines > 0 || files > 0 || tools.total() > 0 || s.Input || s.Answered || cpu > 0 || s.Thinking || waitChanged
	if active {
		t.everActive = true
		t.lastActivity = later(t.lastActivity, s.At)
		t.idleCPU, t.idleOutput = 0, 0
	} else {
		t.idleCPU += max(0, s.CPU)
		t.idleOutput += max(0, s.OutputBytes)
	}
	if files > 0 || tools.total() > 0 {
		t.lastWork = later(t.lastWork, s.At)
	}
	if cpu > 0 {
		// A build or a test run that keeps the CPU busy is progress even
		// when it prints nothing, so its time does not count as low score.
		t.stops.add(s.At.Add(-s.interval()), s.At)
	}
	if lines > 0 || files > 0 || tools.total() > 0 || cpu > 0 {
		t.events = append(t.events, event{at: s.At, lines: lines, files: files, tools: tools, cpu: cpu})
	}
}

// observeState records the agent's state and returns whether the sample
// entered or left a waiting state. Moving between two waiting states keeps
// the wait going.
func (t *Tracker) observeState(s Sample) bool {
	if s.State == StateUnknown || s.State == t.state {
		return false
	}
	was, is := t.state.waiting(), s.State.waiting()
	t.state = s.State
	switch {
	case is && !was:
		t.waitingSince = s.At
		t.stops.open(s.At)
		return true
	case was && !is:
		t.waitingSince = time.Time{}
		t.stops.closeOpen(s.At)
		return true
	}
	return false
}

// observeUpstream starts or extends an upstream pause. The pause lasts
// until the error's reset time, or UpstreamPause when it has none. A later
// sample with a tool call or a file event and no error ends the pause early,
// because the model API responds again.
func (t *Tracker) observeUpstream(s Sample, working bool) {
	if s.Upstream != nil {
		end := s.At.Add(t.th.UpstreamPause)
		// NOTE: a reset time at or before the sample is taken as misread
		// and replaced by UpstreamPause.
		if s.Upstream.ResetAt.After(s.At) {
			end = s.Upstream.ResetAt
		}
		upstream := *s.Upstream
		t.noteAuth(upstream.Kind, s.At)
		t.upstream = &upstream
		t.stops.add(s.At, end)
		t.pauseUntil = later(t.pauseUntil, end)
		return
	}
	if working && s.At.Before(t.pauseUntil) {
		t.pauseUntil = s.At
		t.authSince = time.Time{}
		t.stops.cut(s.At)
	}
}

// noteAuth starts or continues the stretch of rejected credentials for an
// upstream error of kind seen at at. Another kind of error, or a pause that
// ran out before at, ends the stretch.
func (t *Tracker) noteAuth(kind UpstreamKind, at time.Time) {
	switch {
	case kind != UpstreamAuthFailed:
		t.authSince = time.Time{}
	case t.authSince.IsZero() || !at.Before(t.pauseUntil):
		t.authSince = at
	}
}

// Evaluate scores the instance at now and returns the verdict.
func (t *Tracker) Evaluate(now time.Time) Result {
	t.dropEventsBefore(now.Add(-t.th.Window))
	parts := t.parts(now)
	score := 0
	for _, p := range parts {
		score += p.Points
	}
	score = max(0, min(100, score))

	if score >= t.th.MinScore {
		t.lowSince = time.Time{}
	} else if t.lowSince.IsZero() {
		t.lowSince = now
	}
	res := Result{
		Score:   score,
		Parts:   parts,
		IdleFor: t.stops.running(t.lastActivity, now),
		LowFor:  t.stops.running(t.lowSince, now),
	}
	if t.state.waiting() {
		res.WaitingFor = max(0, now.Sub(t.waitingSince))
	}
	t.judge(now, &res)
	t.pruneStops()
	return res
}

func (t *Tracker) dropEventsBefore(cutoff time.Time) {
	kept := t.events[:0]
	for _, e := range t.events {
		if !e.at.Before(cutoff) {
			kept = append(kept, e)
		}
	}
	t.events = kept
}

// pruneStops drops the spans that can no longer affect a clock.
func (t *Tracker) pruneStops() {
	oldest := t.lastActivity
	if !t.lowSince.IsZero() && t.lowSince.Before(oldest) {
		oldest = t.lowSince
	}
	t.stops.prune(oldest)
}
