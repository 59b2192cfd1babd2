package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/axiom-mcp/axiom-mcp/pkg/store"
)

// stateFlags are the flags that history and logs share.
type stateFlags struct {
	stateDir   string
	configFile string
}

// register adds the shared flags to fs.
func (f *stateFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.stateDir, "state-dir", "", "directory of the state database (default: the config file's "+
		"state_dir, else "+DefaultStateDir()+")")
	fs.StringVar(&f.configFile, "config", "", "YAML configuration file whose state_dir is used")
}

// dir returns the state directory: the flag's value, else the config
// file's, else the default.
func (f *stateFlags) dir() (string, error) {
	dir := f.stateDir
	if dir == "" && f.configFile != "" {
		fc, err := LoadFileConfig(f.configFile)
		if err != nil {
			return "", err
		}
		dir = fc.StateDir
	}
	if dir == "" {
		dir = DefaultStateDir()
	}
	return dir, nil
}

// errNoState is returned when the state directory has no database yet.
var errNoState = errors.New("no state database")

// openExisting opens the database in the state directory of f without
// creating one.
func (f *stateFlags) openExisting(ctx context.Context) (*store.Store, error) {
	dir, err := f.dir()
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, store.FileName)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w at %s: serve records one there, or give another directory with --state-dir",
			errNoState, path)
	}
	return store.Open(ctx, dir, nil)
}

// exitStatus maps the error of a command to its exit status and prints
// it: 0 for success and help, 2 for a usage error, else 1.
func exitStatus(command string, err error, stderr io.Writer) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	fmt.Fprintf(stderr, "axiom-mcp %s: %v\n", command, err)
	var usage usageError
	if errors.As(err, &usage) {
		return 2
	}
	return 1
}
