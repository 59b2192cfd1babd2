package scoring

import "time"

// Thresholds are the limits a verdict is taken against. A zero or negative
// field takes its default in WithDefaults.
type Thresholds struct {
	// IdleTimeout is how long an instance may show no activity at all
	// before it is killed as idle. Zero means 30 s.
	IdleTimeout time.Duration `yaml:"idle_timeout"`
	// UnproductiveFor is how long the score may stay below MinScore before
	// the instance is killed as unproductive. Zero means 2 min.
	UnproductiveFor time.Duration `yaml:"unproductive_for"`
	// MinScore is the score under which an instance counts as unproductive.
	// Zero means 20.
	MinScore int `yaml:"min_score"`
	// Window is the span over which output, files, tool calls and CPU are
	// summed. Zero means 60 s.
	Window time.Duration `yaml:"window"`
	// InputTimeout is how long an agent may wait for input or a dialog
	// answer before it is killed. Zero means 2 min.
	InputTimeout time.Duration `yaml:"input_timeout"`
	// InterventionGrace is how long after a client typed into an instance
	// every kill turns into Warn. Zero means 30 s.
	InterventionGrace time.Duration `yaml:"intervention_grace"`
	// CPUActive is the CPU seconds per second of the process tree that
	// count as activity: 1.0 is one core busy. Zero means 0.05.
	CPUActive float64 `yaml:"cpu_active"`
	// WarnAt is the fraction of IdleTimeout or UnproductiveFor after which
	// the verdict is Warn. Zero means 0.5.
	WarnAt float64 `yaml:"warn_at"`
	// UpstreamPause is how long an upstream error without a reset time
	// pauses judgement. Zero means 60 s.
	UpstreamPause time.Duration `yaml:"upstream_pause"`
	// AuthStopAfter is how long the model API may reject the agent's
	// credentials without a break before the instance is killed with
	// KillUpstream. Zero means 60 s.
	AuthStopAfter time.Duration `yaml:"auth_stop_after"`
}

// durationField is one duration setting with its YAML name, default and
// least value.
type durationField struct {
	name     string
	value    *time.Duration
	def, min time.Duration
}

func (th *Thresholds) durations() []durationField {
	return []durationField{
		{"idle_timeout", &th.IdleTimeout, 30 * time.Second, time.Second},
		{"unproductive_for", &th.UnproductiveFor, 2 * time.Minute, time.Second},
		{"window", &th.Window, time.Minute, minWindow},
		{"input_timeout", &th.InputTimeout, 2 * time.Minute, time.Second},
		{"intervention_grace", &th.InterventionGrace, 30 * time.Second, time.Second},
		{"upstream_pause", &th.UpstreamPause, time.Minute, time.Second},
		{"auth_stop_after", &th.AuthStopAfter, time.Minute, time.Second},
	}
}

const (
	defaultMinScore  = 20
	defaultCPUActive = 0.05
	defaultWarnAt    = 0.5
)

// DefaultThresholds returns the defaults. An instance is killed after 30 s
// without activity, after 2 min with a score under 20, after waiting 2 min
// for input, or after the model API rejected its credentials for 60 s. The
// window is 60 s, the intervention grace 30 s and the upstream pause 60 s.
// 5% of a core counts as CPU activity, and warnings start at half of a kill
// threshold.
func DefaultThresholds() Thresholds {
	return Thresholds{}.WithDefaults()
}

// WithDefaults returns th with every zero or negative field set to its
// default.
func (th Thresholds) WithDefaults() Thresholds {
	for _, f := range th.durations() {
		if *f.value <= 0 {
			*f.value = f.def
		}
	}
	if th.MinScore <= 0 {
		th.MinScore = defaultMinScore
	}
	if th.CPUActive <= 0 {
		th.CPUActive = defaultCPUActive
	}
	if th.WarnAt <= 0 {
		th.WarnAt = defaultWarnAt
	}
	return th
}
