package corpus

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/axiom-mcp/axiom-mcp/pkg/profile"
)

// builtinFS contains the corpus that ships with the binary, so the score
// command works outside a source checkout.
//
//go:embed testdata/*.yaml testdata/frames/*.txt testdata/records/*.json
var builtinFS embed.FS

// builtinDir is the directory of the shipped corpus in this package.
const builtinDir = "testdata"

// Builtin returns the traces that ship with the binary, the files of
// testdata in this package, sorted by file name.
func Builtin() ([]Trace, error) {
	sub, err := fs.Sub(builtinFS, builtinDir)
	if err != nil {
		return nil, fmt.Errorf("open embedded corpus: %w", err)
	}
	return loadFS(sub, "pkg/scoring/corpus/"+builtinDir, nil)
}

// builtinLibrary loads the frames and records that ship with the binary.
var builtinLibrary = sync.OnceValues(func() (*Library, error) {
	sub, err := fs.Sub(builtinFS, builtinDir)
	if err != nil {
		return nil, fmt.Errorf("open embedded corpus: %w", err)
	}
	return loadLibrary(sub, "pkg/scoring/corpus/"+builtinDir, nil)
})

// library returns the frames and records of t: those of the corpus it was
// loaded from, else the built-in ones. The built-in library is part of the
// binary, so failing to read it is a build error and panics.
func (t Trace) library() *Library {
	if t.lib != nil {
		return t.lib
	}
	lib, err := builtinLibrary()
	if err != nil {
		panic(err)
	}
	return lib
}

// profile returns the profile whose screen rules read the trace's frames.
func (t Trace) profile() (*profile.Profile, error) {
	name := t.Profile
	if name == "" {
		name = "claude"
	}
	prof, err := profile.Defaults().Lookup(name)
	if err != nil {
		return nil, fmt.Errorf("profile: %w", err)
	}
	return prof, nil
}

// Load reads every *.yaml and *.yml file in dir, not its subdirectories,
// as one trace, sorted by file name. Errors name the file and the field.
func Load(dir string) ([]Trace, error) {
	info, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("read corpus directory: %w", err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("corpus directory %s is not a directory: give the directory that contains the trace files", dir)
	}
	base, err := builtinLibrary()
	if err != nil {
		return nil, err
	}
	return loadFS(os.DirFS(dir), dir, base)
}

// loadFS loads the traces in the root of fsys in the order of their file
// names, which fs.ReadDir sorts. dir names the directory in errors and in
// Trace.File.
func loadFS(fsys fs.FS, dir string, base *Library) ([]Trace, error) {
	lib, err := loadLibrary(fsys, dir, base)
	if err != nil {
		return nil, err
	}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("read corpus directory %s: %w", dir, err)
	}
	var traces []Trace
	seen := make(map[string]string)
	for _, entry := range entries {
		ext := path.Ext(entry.Name())
		if entry.IsDir() || (ext != ".yaml" && ext != ".yml") {
			continue
		}
		file := filepath.Join(dir, entry.Name())
		trace, err := loadFile(fsys, entry.Name(), file, lib)
		if err != nil {
			return nil, err
		}
		if other, ok := seen[trace.Name]; ok {
			return nil, fmt.Errorf("%s: name %q is already used by %s: give each trace its own name", file, trace.Name, other)
		}
		seen[trace.Name] = file
		traces = append(traces, trace)
	}
	if len(traces) == 0 {
		return nil, fmt.Errorf("corpus directory %s contains no *.yaml or *.yml files: add traces or give another --dir", dir)
	}
	return traces, nil
}

// loadFile decodes and validates the trace in name. Unknown keys are
// errors, so a misspelt field is not silently ignored.
func loadFile(fsys fs.FS, name, file string, lib *Library) (Trace, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return Trace{}, fmt.Errorf("read trace %s: %w", file, err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var trace Trace
	if err := dec.Decode(&trace); err != nil && !errors.Is(err, io.EOF) {
		return Trace{}, fmt.Errorf("%s: %w", file, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return Trace{}, fmt.Errorf("%s: contains more than one YAML document: put each trace in its own file", file)
	}
	trace.File, trace.lib = file, lib
	if err := trace.Validate(); err != nil {
		return Trace{}, fmt.Errorf("%s: %w", file, err)
	}
	return trace, nil
}
