package app

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/axiom-mcp/axiom-mcp/pkg/scoring"
)

// FileConfig is the content of a configuration file given with --config.
// Flags given on the command line override its values.
type FileConfig struct {
	MaxInstances   int                `yaml:"max_instances"`
	MaxAttempts    int                `yaml:"max_attempts"`
	WorkspaceRoot  string             `yaml:"workspace_root"`
	StateDir       string             `yaml:"state_dir"`
	Profile        string             `yaml:"profile"`
	Profiles       string             `yaml:"profiles"`
	PermissionMode string             `yaml:"permission_mode"`
	KillGrace      time.Duration      `yaml:"kill_grace"`
	RetryBackoff   time.Duration      `yaml:"retry_backoff"`
	Tick           time.Duration      `yaml:"tick"`
	MinFreeMemory  int                `yaml:"min_free_memory"`
	MaxLoad        float64            `yaml:"max_load"`
	MaxMessageSize int                `yaml:"max_message_size"`
	Thresholds     scoring.Thresholds `yaml:"thresholds"`
	Weights        scoring.Weights    `yaml:"weights"`
}

// LoadFileConfig reads a configuration file. Unknown keys are errors, so a
// misspelt setting is not silently ignored.
func LoadFileConfig(path string) (FileConfig, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return FileConfig{}, fmt.Errorf("read config file: %w", err)
	}
	var fc FileConfig
	if err := decodeStrict(data, &fc); err != nil {
		return FileConfig{}, fmt.Errorf("config file %s: %w", path, explainYAML(err, FileConfig{}))
	}
	set, err := fileKeys(data)
	if err != nil {
		return FileConfig{}, fmt.Errorf("config file %s: %w", path, err)
	}
	if err := fc.validate(set, fileSource(path)); err != nil {
		return FileConfig{}, err
	}
	return fc, nil
}

// fileKeys returns the keys that a configuration file sets, qualified by
// their section, such as max_instances or thresholds.idle_timeout.
func fileKeys(data []byte) ([]string, error) {
	var doc map[string]any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("list the keys: %w", err)
	}
	var keys []string
	for key, value := range doc {
		section, isSection := value.(map[string]any)
		if !isSection || (key != sectionThresholds && key != sectionWeights) {
			keys = append(keys, key)
			continue
		}
		for name := range section {
			keys = append(keys, qualify(key, name))
		}
	}
	return keys, nil
}

// decodeStrict decodes YAML into out and rejects unknown keys. An empty
// document leaves out as it is.
func decodeStrict(data []byte, out any) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(out); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	return checkWholeNumbers(data, out)
}

// SetScoring applies one KEY=VALUE setting to the thresholds or the weights.
// KEY is the setting's name in a configuration file, such as idle_timeout
// or file_points.
func SetScoring(th *scoring.Thresholds, w *scoring.Weights, assignment string) error {
	key, value, ok := strings.Cut(assignment, "=")
	key = strings.TrimSpace(key)
	if !ok || key == "" {
		return fmt.Errorf("scoring setting %q is not KEY=VALUE: write for example idle_timeout=45s", assignment)
	}
	doc := []byte(key + ": " + strings.TrimSpace(value))

	thCopy, wCopy := *th, *w
	thErr := decodeStrict(doc, &thCopy)
	if thErr == nil {
		if err := checkScoringKey(key, thCopy.ValidateSet([]string{key})); err != nil {
			return err
		}
		*th = thCopy
		return nil
	}
	wErr := decodeStrict(doc, &wCopy)
	if wErr == nil {
		if err := checkScoringKey(key, wCopy.ValidateSet([]string{key})); err != nil {
			return err
		}
		*w = wCopy
		return nil
	}
	if isUnknownField(thErr) && isUnknownField(wErr) {
		return fmt.Errorf("scoring setting %q is unknown: use a name from the thresholds or weights "+
			"of docs/scoring.md, such as idle_timeout or file_points", key)
	}
	if isUnknownField(thErr) {
		return fmt.Errorf("scoring setting %s: %w", key, explainYAML(wErr, nil))
	}
	return fmt.Errorf("scoring setting %s: %w", key, explainYAML(thErr, nil))
}

// checkScoringKey words err for a KEY=VALUE setting when it concerns key.
// Other errors, such as maxima that no longer add up to 100, are left to
// the check of the final settings, because a later setting may fix them.
func checkScoringKey(key string, err error) error {
	var setting *scoring.SettingError
	if !errors.As(err, &setting) || setting.Key != key {
		return nil
	}
	src := settingSource{label: func(string) string { return "scoring setting " + key }, omit: "leave the setting out"}
	return src.wrap("", err)
}

// explainYAML adds the fix to a YAML decoding error: the known keys of
// known for an unknown key, and the unit for a duration without one.
func explainYAML(err error, known any) error {
	msg := err.Error()
	switch {
	case isUnknownField(err) && known != nil:
		return fmt.Errorf("%w: known keys are %s", err, strings.Join(yamlKeys(reflect.TypeOf(known), ""), ", "))
	case strings.Contains(msg, "time.Duration"):
		return fmt.Errorf("%w: write a duration with its unit, such as 45s or 2m", err)
	case strings.Contains(msg, "into float64"):
		return fmt.Errorf("%w: write a number without quotes or units", err)
	case strings.Contains(msg, "into int"):
		return fmt.Errorf("%w: write a whole number without quotes or units", err)
	}
	return err
}

// yamlKeys lists the YAML keys of a struct type, with nested structs as
// parent.child.
func yamlKeys(t reflect.Type, prefix string) []string {
	var keys []string
	for i := range t.NumField() {
		field := t.Field(i)
		name, _, _ := strings.Cut(field.Tag.Get("yaml"), ",")
		if name == "" || name == "-" {
			continue
		}
		if field.Type.Kind() == reflect.Struct && field.Type != reflect.TypeOf(time.Time{}) {
			keys = append(keys, yamlKeys(field.Type, prefix+name+".")...)
			continue
		}
		keys = append(keys, prefix+name)
	}
	return keys
}

func isUnknownField(err error) bool {
	return err != nil && strings.Contains(err.Error(), "not found in type")
}
