package scoring

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

func TestThresholdsDefaults(t *testing.T) {
	want := Thresholds{
		IdleTimeout: 30 * time.Second, UnproductiveFor: 2 * time.Minute, MinScore: 20,
		Window: time.Minute, InputTimeout: 2 * time.Minute, InterventionGrace: 30 * time.Second,
		CPUActive: 0.05, WarnAt: 0.5, UpstreamPause: time.Minute, AuthStopAfter: time.Minute,
	}
	assert.Equal(t, want, DefaultThresholds())
	assert.Equal(t, 45*time.Second, Thresholds{IdleTimeout: 45 * time.Second}.WithDefaults().IdleTimeout)
}

func TestThresholdsValidate(t *testing.T) {
	tests := []struct {
		name      string
		th        Thresholds
		wantField string
	}{
		{"negative idle", Thresholds{IdleTimeout: -time.Second}, "idle_timeout -1s"},
		{"negative unproductive", Thresholds{UnproductiveFor: -time.Second}, "unproductive_for"},
		{"negative window", Thresholds{Window: -time.Second}, "window"},
		{"negative input timeout", Thresholds{InputTimeout: -time.Second}, "input_timeout"},
		{"negative grace", Thresholds{InterventionGrace: -time.Second}, "intervention_grace"},
		{"negative pause", Thresholds{UpstreamPause: -time.Second}, "upstream_pause"},
		{"negative auth stop", Thresholds{AuthStopAfter: -time.Second}, "auth_stop_after"},
		{"score above 100", Thresholds{MinScore: 101}, "min_score 101"},
		{"negative score", Thresholds{MinScore: -1}, "min_score -1"},
		{"negative cpu", Thresholds{CPUActive: -0.1}, "cpu_active -0.1"},
		{"nan cpu", Thresholds{CPUActive: math.NaN()}, "cpu_active NaN"},
		{"warn above 1", Thresholds{WarnAt: 1.5}, "warn_at 1.5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.th.Validate()
			require.Error(t, err)
			assert.Contains(t, err.Error(), "invalid threshold "+tt.wantField)
			assert.Contains(t, err.Error(), "or 0 for the default")
		})
	}
}

func TestThresholdsValidateAcceptsDefaults(t *testing.T) {
	require.NoError(t, Thresholds{}.Validate())
	require.NoError(t, DefaultThresholds().Validate())
	require.NoError(t, Thresholds{WarnAt: 0.99, MinScore: 100, CPUActive: 16}.Validate())
	require.NoError(t, Thresholds{IdleTimeout: time.Second, Window: 5 * time.Second, UpstreamPause: 24 * time.Hour}.Validate())
}

func TestThresholdsValidateRanges(t *testing.T) {
	tests := []struct {
		name      string
		th        Thresholds
		wantField string
		wantRange string
	}{
		{"window of a nanosecond", Thresholds{Window: time.Nanosecond}, "window 1ns", "a duration from 5s to 24h"},
		{"window under 5s", Thresholds{Window: 4 * time.Second}, "window 4s", "a duration from 5s to 24h"},
		{"idle over a day", Thresholds{IdleTimeout: 25 * time.Hour}, "idle_timeout 25h0m0s", "a duration from 1s to 24h"},
		{"grace under a second", Thresholds{InterventionGrace: 500 * time.Millisecond}, "intervention_grace 500ms", "from 1s"},
		{"auth stop under a second", Thresholds{AuthStopAfter: time.Millisecond}, "auth_stop_after 1ms", "from 1s"},
		{"cpu over 16 cores", Thresholds{CPUActive: 17}, "cpu_active 17", "above 0 and at most 16"},
		{"infinite cpu", Thresholds{CPUActive: math.Inf(1)}, "cpu_active +Inf", "at most 16"},
		{"warn at 1", Thresholds{WarnAt: 1}, "warn_at 1", "above 0 and under 1"},
		{"nan warn", Thresholds{WarnAt: math.NaN()}, "warn_at NaN", "under 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.th.Validate()
			require.Error(t, err)
			assert.Contains(t, err.Error(), "invalid threshold "+tt.wantField)
			assert.Contains(t, err.Error(), tt.wantRange)
		})
	}
}

func TestThresholdsValidateSetRejectsZero(t *testing.T) {
	err := Thresholds{}.ValidateSet([]string{"idle_timeout"})

	var setting *SettingError
	require.ErrorAs(t, err, &setting)
	assert.Equal(t, "idle_timeout", setting.Key)
	assert.Equal(t, "0s", setting.Value)
	assert.True(t, setting.Zero)
	assert.Equal(t, "a duration from 1s to 24h", setting.Want)
	assert.Equal(t, "30s", setting.Default)
	require.NoError(t, Thresholds{}.ValidateSet([]string{"unknown_key"}))
}

func TestWeightsValidateSetRejectsZero(t *testing.T) {
	err := Weights{}.ValidateSet([]string{"file_points"})

	var setting *SettingError
	require.ErrorAs(t, err, &setting)
	assert.Equal(t, "weight", setting.Kind)
	assert.Equal(t, "file_points", setting.Key)
	assert.True(t, setting.Zero)
	assert.Equal(t, "20", setting.Default)
	require.NoError(t, Weights{}.Validate(), "zero weights take their defaults")
}

func TestWeightsDefaults(t *testing.T) {
	want := Weights{
		OutputPerLine: 3, OutputMax: 20, FilePoints: 20, FilesMax: 35,
		CodeToolPoints: 10, RunToolPoints: 5, ResearchToolPoints: 2, PlanningToolPoints: 1, OtherToolPoints: 2,
		ToolsMax: 20, CPUPointsPerSecond: 5, CPUMax: 10, RecencyMax: 15,
		ResearchPenalty: 15, ResearchLimit: 6, PlanningPenalty: 15, PlanningLimit: 3,
	}
	assert.Equal(t, want, DefaultWeights())
	require.NoError(t, Weights{}.Validate())
}

func TestWeightsValidateNegative(t *testing.T) {
	tests := []struct {
		name      string
		w         Weights
		wantField string
	}{
		{"output per line", Weights{OutputPerLine: -1}, "output_per_line -1"},
		{"code tool", Weights{CodeToolPoints: -2}, "code_tool_points -2"},
		{"other tool", Weights{OtherToolPoints: -1}, "other_tool_points -1"},
		{"cpu per second", Weights{CPUPointsPerSecond: -5}, "cpu_points_per_second -5"},
		{"research limit", Weights{ResearchLimit: -6}, "research_limit -6"},
		{"planning penalty", Weights{PlanningPenalty: -1}, "planning_penalty -1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.w.Validate()
			require.Error(t, err)
			assert.Contains(t, err.Error(), "invalid weight "+tt.wantField)
		})
	}
}

func TestWeightsValidateSum(t *testing.T) {
	err := Weights{OutputMax: 30}.Validate()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "output_max 30 + files_max 35 + tools_max 20 + cpu_max 10 + recency_max 15 = 110")
	assert.Contains(t, err.Error(), "add up to 100")
}

func TestThresholdsYAMLRoundTrip(t *testing.T) {
	th := Thresholds{
		IdleTimeout: 45 * time.Second, UnproductiveFor: 3 * time.Minute, MinScore: 25,
		Window: 90 * time.Second, InputTimeout: 5 * time.Minute, InterventionGrace: time.Minute,
		CPUActive: 0.1, WarnAt: 0.75, UpstreamPause: 2 * time.Minute, AuthStopAfter: 90 * time.Second,
	}
	data, err := yaml.Marshal(th)
	require.NoError(t, err)
	assert.Contains(t, string(data), "idle_timeout: 45s")

	var back Thresholds
	require.NoError(t, yaml.Unmarshal(data, &back))
	assert.Equal(t, th, back)
}

func TestWeightsYAMLRoundTrip(t *testing.T) {
	w := DefaultWeights()
	w.OutputMax, w.FilesMax = 15, 40
	data, err := yaml.Marshal(w)
	require.NoError(t, err)
	assert.Contains(t, string(data), "files_max: 40")

	var back Weights
	require.NoError(t, yaml.Unmarshal(data, &back))
	assert.Equal(t, w, back)
	require.NoError(t, back.Validate())
}

func TestThresholdsYAMLPartial(t *testing.T) {
	var th Thresholds
	require.NoError(t, yaml.Unmarshal([]byte("idle_timeout: 1m\ncpu_active: 0.2\n"), &th))
	th = th.WithDefaults()
	assert.Equal(t, time.Minute, th.IdleTimeout)
	assert.InDelta(t, 0.2, th.CPUActive, 1e-9)
	assert.Equal(t, 2*time.Minute, th.UnproductiveFor)
}
