package corpus

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"
)

// Library holds the screen frames and transcript records that traces name.
// A frame is a file frames/NAME.txt, one screen row per line; a record is
// a file records/NAME.json holding one JSON transcript record on one line.
type Library struct {
	Frames  map[string]string
	Records map[string]string
}

// loadLibrary reads the frames and records under fsys, over base when base
// is not nil, so a corpus directory can add to the built-in library or
// replace its entries. Missing directories hold nothing.
func loadLibrary(fsys fs.FS, dir string, base *Library) (*Library, error) {
	lib := &Library{Frames: map[string]string{}, Records: map[string]string{}}
	if base != nil {
		maps.Copy(lib.Frames, base.Frames)
		maps.Copy(lib.Records, base.Records)
	}
	if err := readEntries(fsys, "frames", ".txt", dir, lib.Frames); err != nil {
		return nil, err
	}
	if err := readEntries(fsys, "records", ".json", dir, lib.Records); err != nil {
		return nil, err
	}
	for name, rec := range lib.Records {
		if strings.Contains(strings.TrimSpace(rec), "\n") {
			return nil, fmt.Errorf("%s/records/%s.json contains more than one line: put one JSON record in each file", dir, name)
		}
	}
	return lib, nil
}

// readEntries adds the files of sub whose names end in ext to into, named
// without the extension.
func readEntries(fsys fs.FS, sub, ext, dir string, into map[string]string) error {
	entries, err := fs.ReadDir(fsys, sub)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read %s/%s: %w", dir, sub, err)
	}
	for _, entry := range entries {
		if entry.IsDir() || path.Ext(entry.Name()) != ext {
			continue
		}
		data, err := fs.ReadFile(fsys, path.Join(sub, entry.Name()))
		if err != nil {
			return fmt.Errorf("read %s/%s/%s: %w", dir, sub, entry.Name(), err)
		}
		into[strings.TrimSuffix(entry.Name(), ext)] = strings.TrimRight(string(data), "\n")
	}
	return nil
}

// frameNames and recordNames list the library's entries for messages.
func (l *Library) frameNames() string { return strings.Join(slices.Sorted(maps.Keys(l.Frames)), ", ") }
func (l *Library) recordNames() string {
	return strings.Join(slices.Sorted(maps.Keys(l.Records)), ", ")
}
