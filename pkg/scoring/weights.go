package scoring

import (
	"fmt"
	"strconv"
)

// Weights set how many points each signal earns. A zero or negative field
// takes its default in WithDefaults, so a field cannot be set to 0. To switch
// a penalty off, raise its limit instead. The maxima of the five positive
// parts add up to 100.
type Weights struct {
	// OutputPerLine is the points per changed screen line in the window.
	OutputPerLine int `yaml:"output_per_line"`
	// OutputMax is the maximum of the output part. Without a file event or
	// a code tool call in the window, output earns at most OutputMax/4.
	OutputMax int `yaml:"output_max"`
	// FilePoints is the points per source file created, modified or deleted
	// in the window.
	FilePoints int `yaml:"file_points"`
	// FilesMax is the maximum of the files part.
	FilesMax int `yaml:"files_max"`
	// CodeToolPoints, RunToolPoints, ResearchToolPoints, PlanningToolPoints
	// and OtherToolPoints are the points per tool call of each kind in the
	// window.
	CodeToolPoints     int `yaml:"code_tool_points"`
	RunToolPoints      int `yaml:"run_tool_points"`
	ResearchToolPoints int `yaml:"research_tool_points"`
	PlanningToolPoints int `yaml:"planning_tool_points"`
	OtherToolPoints    int `yaml:"other_tool_points"`
	// ToolsMax is the maximum of the tools part.
	ToolsMax int `yaml:"tools_max"`
	// CPUPointsPerSecond is the points per CPU second that the process tree
	// used in the window, counting only samples at or above
	// Thresholds.CPUActive.
	CPUPointsPerSecond int `yaml:"cpu_points_per_second"`
	// CPUMax is the maximum of the CPU part.
	CPUMax int `yaml:"cpu_max"`
	// RecencyMax is the points right after a file event or a tool call. They
	// fall linearly to 0 at the idle timeout.
	RecencyMax int `yaml:"recency_max"`
	// ResearchPenalty is subtracted while the window holds ResearchLimit or
	// more research tool calls and no code tool call and no file event.
	ResearchPenalty int `yaml:"research_penalty"`
	// ResearchLimit is the number of research tool calls that starts the
	// research penalty.
	ResearchLimit int `yaml:"research_limit"`
	// PlanningPenalty is subtracted while the window holds PlanningLimit or
	// more planning tool calls and no code tool call and no file event.
	PlanningPenalty int `yaml:"planning_penalty"`
	// PlanningLimit is the number of planning tool calls that starts the
	// planning penalty.
	PlanningLimit int `yaml:"planning_limit"`
}

// intField is one integer setting with its YAML name and default.
type intField struct {
	name  string
	value *int
	def   int
}

func (w *Weights) fields() []intField {
	return []intField{
		{"output_per_line", &w.OutputPerLine, 3},
		{"output_max", &w.OutputMax, 20},
		{"file_points", &w.FilePoints, 20},
		{"files_max", &w.FilesMax, 35},
		{"code_tool_points", &w.CodeToolPoints, 10},
		{"run_tool_points", &w.RunToolPoints, 5},
		{"research_tool_points", &w.ResearchToolPoints, 2},
		{"planning_tool_points", &w.PlanningToolPoints, 1},
		{"other_tool_points", &w.OtherToolPoints, 2},
		{"tools_max", &w.ToolsMax, 20},
		{"cpu_points_per_second", &w.CPUPointsPerSecond, 5},
		{"cpu_max", &w.CPUMax, 10},
		{"recency_max", &w.RecencyMax, 15},
		{"research_penalty", &w.ResearchPenalty, 15},
		{"research_limit", &w.ResearchLimit, 6},
		{"planning_penalty", &w.PlanningPenalty, 15},
		{"planning_limit", &w.PlanningLimit, 3},
	}
}

// DefaultWeights returns the default weights. Output earns 3 a line up to 20
// and files 20 each up to 35. Tool calls earn 10 for code, 5 for run,
// 2 for research, 1 for planning and 2 for other, up to 20. CPU earns 5 a
// second up to 10, and recency up to 15. Penalties of 15 start at 6 research
// or 3 planning calls.
func DefaultWeights() Weights {
	return Weights{}.WithDefaults()
}

// WithDefaults returns w with every zero or negative field set to its
// default.
func (w Weights) WithDefaults() Weights {
	for _, f := range w.fields() {
		if *f.value <= 0 {
			*f.value = f.def
		}
	}
	return w
}

// Validate returns a *SettingError for a negative field, or an error for
// maxima that do not add up to 100 once defaults fill the zero fields.
func (w Weights) Validate() error {
	return w.ValidateSet(nil)
}

// ValidateSet is Validate, except that a zero in one of the fields named by
// set is an error too, because a zero weight takes its default rather than
// switching its part off.
func (w Weights) ValidateSet(set []string) error {
	var checks []check
	for _, f := range w.fields() {
		v := *f.value
		checks = append(checks, check{key: f.name, value: strconv.Itoa(v), want: "a positive whole number",
			def: strconv.Itoa(f.def), zero: v == 0, ok: v >= 0})
	}
	if err := firstInvalid("weight", checks, set); err != nil {
		return err
	}
	d := w.WithDefaults()
	sum := d.OutputMax + d.FilesMax + d.ToolsMax + d.CPUMax + d.RecencyMax
	if sum != 100 {
		return fmt.Errorf("invalid weights: output_max %d + files_max %d + tools_max %d + cpu_max %d + recency_max %d = %d: change them so they add up to 100",
			d.OutputMax, d.FilesMax, d.ToolsMax, d.CPUMax, d.RecencyMax, sum)
	}
	return nil
}
