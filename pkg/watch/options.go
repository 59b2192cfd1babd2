package watch

import (
	"fmt"
	"time"

	"go.uber.org/zap"
)

// DefaultIgnore lists the directory base names that are never watched or
// scanned: version control data, dependency trees, build output and caches.
var DefaultIgnore = []string{".git", "node_modules", "dist", "build", "vendor", ".venv", "target", "__pycache__"}

// defaultPollInterval is the scan interval used after the fallback to polling
// when Options.PollInterval is zero.
const defaultPollInterval = 2 * time.Second

// Options configures a Watcher. The zero value is valid.
type Options struct {
	// Ignore lists directory base names that are neither watched nor scanned.
	// Nil means DefaultIgnore, and an empty non-nil slice ignores nothing.
	// The root directory itself is always watched.
	Ignore []string

	// PollInterval is the time between tree scans after the fallback to
	// polling. Zero means 2s.
	PollInterval time.Duration

	// Logger receives watch failures and the fallback warning. Nil means
	// zap.NewNop().
	Logger *zap.Logger

	// Now is the clock for event times and the write debounce. Nil means
	// time.Now.
	Now func() time.Time
}

// config is Options with the defaults applied.
type config struct {
	ignore       map[string]struct{}
	pollInterval time.Duration
	logger       *zap.Logger
	now          func() time.Time
}

func newConfig(opts Options) (config, error) {
	if opts.PollInterval < 0 {
		return config{}, fmt.Errorf("watch: PollInterval %v is negative; use 0 for the %v default or a positive duration",
			opts.PollInterval, defaultPollInterval)
	}

	cfg := config{
		ignore:       make(map[string]struct{}),
		pollInterval: opts.PollInterval,
		logger:       opts.Logger,
		now:          opts.Now,
	}

	names := opts.Ignore
	if names == nil {
		names = DefaultIgnore
	}
	for _, name := range names {
		cfg.ignore[name] = struct{}{}
	}

	if cfg.pollInterval == 0 {
		cfg.pollInterval = defaultPollInterval
	}
	if cfg.logger == nil {
		cfg.logger = zap.NewNop()
	}
	if cfg.now == nil {
		cfg.now = time.Now
	}
	return cfg, nil
}

func (c config) ignored(dirName string) bool {
	_, ok := c.ignore[dirName]
	return ok
}
