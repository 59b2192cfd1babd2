package profile

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

//go:embed defaults.yaml
var defaultsYAML []byte

// Set is a collection of profiles by name, in the order they were defined.
// A Set is not changed after Defaults or Load returns it, so it is safe for
// concurrent use.
type Set struct {
	names    []string
	profiles map[string]*Profile
}

// file is the layout of a profiles file.
type file struct {
	Profiles []Profile `yaml:"profiles"`
}

// fileNodes is the same layout with each profile left as a YAML node, which
// keeps its line number and lets an extending profile be decoded on top of
// a copy of its parent.
type fileNodes struct {
	Profiles []yaml.Node `yaml:"profiles"`
}

var defaultSet = sync.OnceValue(func() *Set {
	set, err := parseSet(defaultsYAML, "defaults.yaml", nil)
	if err != nil {
		// The embedded file is tested, so this is a build defect.
		panic(fmt.Sprintf("profile: embedded defaults are invalid: %v", err))
	}
	return set
})

// Defaults returns the embedded default profiles, parsed on the first call.
func Defaults() *Set { return defaultSet() }

// Load reads the profiles file at path and returns base with the file's
// profiles added. A file profile replaces a base profile of the same name.
// A profile with `extends: NAME` starts from a copy of NAME, taken from base
// or from earlier in the file. base may be nil. Errors name the file and
// the line.
func Load(path string, base *Set) (*Set, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read profiles file: %w", err)
	}
	return parseSet(data, path, base)
}

func parseSet(data []byte, name string, base *Set) (*Set, error) {
	parsed, nodes, err := decodeFile(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	set := base.clone()
	definedAt := map[string]int{}
	for i := range parsed.Profiles {
		node := &nodes.Profiles[i]
		p, err := resolveProfile(parsed.Profiles[i], node, set)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, node.Line, err)
		}
		if line, ok := definedAt[p.Name]; ok {
			return nil, fmt.Errorf("%s:%d: profile %q is already defined on line %d: rename one of them",
				name, node.Line, p.Name, line)
		}
		definedAt[p.Name] = node.Line
		set.put(p)
	}
	return set, nil
}

// decodeFile decodes data twice: strictly into profiles, which rejects
// unknown fields, and into nodes.
func decodeFile(data []byte) (file, fileNodes, error) {
	var parsed file
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&parsed); err != nil {
		if errors.Is(err, io.EOF) {
			return file{}, fileNodes{}, errors.New("file is empty: list profiles under a top-level \"profiles:\" key")
		}
		return file{}, fileNodes{}, err
	}
	if len(parsed.Profiles) == 0 {
		return file{}, fileNodes{}, errors.New("no profiles found: list them under a top-level \"profiles:\" key")
	}
	var nodes fileNodes
	if err := yaml.Unmarshal(data, &nodes); err != nil {
		return file{}, fileNodes{}, err
	}
	return parsed, nodes, nil
}

// resolveProfile applies extends, fills defaults and validates.
func resolveProfile(p Profile, node *yaml.Node, set *Set) (*Profile, error) {
	if p.Extends != "" {
		parent, ok := set.profiles[p.Extends]
		if !ok {
			return nil, fmt.Errorf("profile %q extends %q, which is not defined: use one of %s",
				p.Name, p.Extends, strings.Join(set.Names(), ", "))
		}
		p = parent.clone()
		if err := node.Decode(&p); err != nil {
			return nil, err
		}
	}
	if p.SubmitDelay == 0 {
		p.SubmitDelay = DefaultSubmitDelay
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &p, nil
}

// Lookup returns a copy of the named profile, which the caller may change.
// An unknown name is an error that lists the known names.
func (s *Set) Lookup(name string) (*Profile, error) {
	p, ok := s.profiles[name]
	if !ok {
		return nil, fmt.Errorf("profile %q not found: use one of %s", name, strings.Join(s.Names(), ", "))
	}
	c := p.clone()
	return &c, nil
}

// Names returns the profile names in the order they were defined.
func (s *Set) Names() []string { return slices.Clone(s.names) }

// clone returns a set that can take new profiles without changing s. A nil
// s yields an empty set.
func (s *Set) clone() *Set {
	if s == nil {
		return &Set{profiles: map[string]*Profile{}}
	}
	return &Set{names: slices.Clone(s.names), profiles: maps.Clone(s.profiles)}
}

// put adds p, or replaces the profile of the same name in its place.
func (s *Set) put(p *Profile) {
	if _, ok := s.profiles[p.Name]; !ok {
		s.names = append(s.names, p.Name)
	}
	s.profiles[p.Name] = p
}

// clone returns a deep copy of p. The expression cache is shared because it
// is never changed, only replaced.
func (p *Profile) clone() Profile {
	c := *p
	c.Env = maps.Clone(p.Env)
	c.Close = slices.Clone(p.Close)
	c.ClearInput = slices.Clone(p.ClearInput)
	c.Dialogs = make([]Dialog, len(p.Dialogs))
	for i, d := range p.Dialogs {
		c.Dialogs[i] = cloneDialog(d)
	}
	c.States = make([]Rule, len(p.States))
	for i, r := range p.States {
		c.States[i] = cloneRule(r)
	}
	return c
}

func cloneDialog(d Dialog) Dialog {
	d.All = slices.Clone(d.All)
	d.Any = slices.Clone(d.Any)
	d.Answer = slices.Clone(d.Answer)
	return d
}

func cloneRule(r Rule) Rule {
	r.All = slices.Clone(r.All)
	r.Any = slices.Clone(r.Any)
	r.None = slices.Clone(r.None)
	return r
}
