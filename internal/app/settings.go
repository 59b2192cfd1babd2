package app

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
	"github.com/axiom-mcp/axiom-mcp/pkg/queue"
	"github.com/axiom-mcp/axiom-mcp/pkg/scoring"
)

// Ranges of the pool settings that a configuration file or a flag sets.
const (
	minTick = 100 * time.Millisecond
	maxTick = time.Minute
	// maxMinFreeMemory is the largest min_free_memory in MiB, 1 TiB.
	maxMinFreeMemory = 1 << 20
	// minMaxLoad and maxMaxLoad bound max_load, a load average per core,
	// when it is not 0.
	minMaxLoad   = 0.1
	maxMaxLoad   = 100.0
	minKillGrace = 100 * time.Millisecond
	maxKillGrace = 10 * time.Minute
	// minRetryBackoff and maxRetryBackoff bound the first wait between
	// attempts of a task.
	minRetryBackoff = 100 * time.Millisecond
	maxRetryBackoff = time.Hour
)

// Sections of a configuration file that hold scoring settings. Keys of
// those sections are written qualified, such as thresholds.idle_timeout.
const (
	sectionThresholds = "thresholds"
	sectionWeights    = "weights"
)

// settingSource words the errors of settings from one place: a
// configuration file, flags or --scoring settings.
type settingSource struct {
	// label returns how the source names a qualified key, such as
	// "-idle-timeout" for thresholds.idle_timeout.
	label func(key string) string
	// where is the text after the value, such as " in axiom.yaml", or empty.
	where string
	// omit is how to get the default, such as "leave the key out".
	omit string
	// context prefixes errors that concern no single setting, such as
	// maxima that do not add up to 100, or is empty.
	context string
}

// fileSource words errors for the configuration file at path.
func fileSource(path string) settingSource {
	return settingSource{label: func(key string) string { return key }, where: " in " + path,
		omit: "leave the key out", context: "config file " + path}
}

// wrap words err, a validation error of the settings in section ("" for
// the top level), for the source.
func (src settingSource) wrap(section string, err error) error {
	var setting *scoring.SettingError
	if !errors.As(err, &setting) {
		if src.context == "" {
			return err
		}
		return fmt.Errorf("%s: %w", src.context, err)
	}
	label := src.label(qualify(section, setting.Key))
	if setting.Zero {
		return fmt.Errorf("%s: %s%s: use %s such as %s, or %s for the default",
			label, setting.Value, src.where, setting.Want, setting.Default, src.omit)
	}
	return fmt.Errorf("%s: %s%s is out of range: use %s, or %s for the default %s",
		label, setting.Value, src.where, setting.Want, src.omit, setting.Default)
}

func qualify(section, key string) string {
	if section == "" {
		return key
	}
	return section + "." + key
}

// validate checks the pool settings, thresholds and weights of fc. set
// lists the qualified keys given explicitly, which may not be 0 because 0
// selects the default. src words the error.
func (fc FileConfig) validate(set []string, src settingSource) error {
	top, thresholds, weights := splitKeys(set)
	if err := fc.validatePool(top); err != nil {
		return src.wrap("", err)
	}
	if err := fc.Thresholds.ValidateSet(thresholds); err != nil {
		return src.wrap(sectionThresholds, err)
	}
	if err := fc.Weights.ValidateSet(weights); err != nil {
		return src.wrap(sectionWeights, err)
	}
	return nil
}

// splitKeys splits qualified keys into top-level, threshold and weight keys.
func splitKeys(set []string) (top, thresholds, weights []string) {
	for _, key := range set {
		section, name, found := strings.Cut(key, ".")
		switch {
		case !found:
			top = append(top, key)
		case section == sectionThresholds:
			thresholds = append(thresholds, name)
		case section == sectionWeights:
			weights = append(weights, name)
		}
	}
	return top, thresholds, weights
}

// poolCheck is the range check of one pool setting.
type poolCheck struct {
	key, value, want, def string
	zero, ok              bool
}

// validatePool returns a *scoring.SettingError for the first pool setting
// out of range, or 0 and named by set.
func (fc FileConfig) validatePool(set []string) error {
	checks := []poolCheck{
		intCheck("max_instances", fc.MaxInstances, 1, executor.MaxInstancesLimit, 10),
		intCheck("max_attempts", fc.MaxAttempts, 1, executor.MaxAttemptsLimit, 3),
		durationCheck("kill_grace", fc.KillGrace, minKillGrace, maxKillGrace, 5*time.Second),
		durationCheck("tick", fc.Tick, minTick, maxTick, time.Second),
		durationCheck("retry_backoff", fc.RetryBackoff, minRetryBackoff, maxRetryBackoff, queue.DefaultBackoffBase),
		mibCheck("min_free_memory", fc.MinFreeMemory, maxMinFreeMemory, DefaultMinFreeMemory),
		maxLoadCheck(fc.MaxLoad),
		mibCheck("max_message_size", fc.MaxMessageSize, maxMaxMessageSize, DefaultMaxMessageSize),
	}
	for _, c := range checks {
		explicitZero := c.zero && slices.Contains(set, c.key)
		if c.ok && !explicitZero {
			continue
		}
		return &scoring.SettingError{Kind: "setting", Key: c.key, Value: c.value, Want: c.want,
			Default: c.def, Zero: explicitZero}
	}
	return nil
}

func intCheck(key string, v, low, high, def int) poolCheck {
	return poolCheck{key: key, value: strconv.Itoa(v), want: fmt.Sprintf("a number from %d to %d", low, high),
		def: strconv.Itoa(def), zero: v == 0, ok: v == 0 || (v >= low && v <= high)}
}

// mibCheck checks a size in MiB from 1 to high.
func mibCheck(key string, v, high, def int) poolCheck {
	c := intCheck(key, v, 1, high, def)
	c.want = fmt.Sprintf("a number of MiB from 1 to %d", high)
	return c
}

// maxLoadCheck checks max_load, for which 0 is a valid value: no check of
// the load.
func maxLoadCheck(v float64) poolCheck {
	return poolCheck{key: "max_load", value: strconv.FormatFloat(v, 'g', -1, 64),
		want: fmt.Sprintf("a load average per core from %g to %g, or 0 for no load check", minMaxLoad, maxMaxLoad),
		def:  "0", ok: v == 0 || (v >= minMaxLoad && v <= maxMaxLoad)}
}

func durationCheck(key string, v, low, high, def time.Duration) poolCheck {
	return poolCheck{key: key, value: v.String(),
		want: fmt.Sprintf("a duration from %s to %s", shortDuration(low), shortDuration(high)),
		def:  shortDuration(def), zero: v == 0, ok: v == 0 || (v >= low && v <= high)}
}

// shortDuration formats d without trailing zero units, such as 1m.
func shortDuration(d time.Duration) string {
	text := d.String()
	if strings.HasSuffix(text, "m0s") {
		text = strings.TrimSuffix(text, "0s")
	}
	if strings.HasSuffix(text, "h0m") {
		text = strings.TrimSuffix(text, "0m")
	}
	return text
}

// CheckFlags checks the settings given as flags. fc holds the values of
// the flags given and zero elsewhere, and flags maps the name of each flag given to the qualified key it sets,
// such as "idle-timeout" to "thresholds.idle_timeout". An error names the
// flag, the value and the valid range.
func CheckFlags(fc FileConfig, flags map[string]string) error {
	names := make(map[string]string, len(flags))
	set := make([]string, 0, len(flags))
	for flag, key := range flags {
		names[key] = flag
		set = append(set, key)
	}
	src := settingSource{label: func(key string) string { return "-" + names[key] }, omit: "leave the flag out"}
	return fc.validate(set, src)
}
