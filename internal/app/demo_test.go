package app

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
)

func TestDemoRejectsBadSettingsBeforeStarting(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{name: "permission mode", cfg: Config{PermissionMode: "bogus"}, want: `permission mode "bogus" is unknown`},
		{name: "profile", cfg: Config{Profile: "nosuch"}, want: `nosuch`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "demo")
			cfg := tc.cfg
			cfg.MaxInstances, cfg.MaxAttempts, cfg.Logger = 2, 1, zap.NewNop()
			var out bytes.Buffer

			assert.Error(t, CheckDemo(cfg))
			ok, err := Demo(context.Background(), DemoConfig{Config: cfg, ClaudeBinary: "/bin/true", Dir: dir}, &out)

			require.Error(t, err)
			assert.False(t, ok)
			assert.Contains(t, err.Error(), tc.want)
			assert.Empty(t, out.String(), "nothing was started or printed")
			assert.NoDirExists(t, dir, "the demo directory is not made for a run that cannot start")
		})
	}
}

func TestRequestsPermissionModes(t *testing.T) {
	for mode, want := range map[string]bool{"default": true, "plan": true, "acceptEdits": false,
		"bypassPermissions": false, "": false} {
		assert.Equal(t, want, requestsPermission(mode), mode)
	}
}
