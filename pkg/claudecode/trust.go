package claudecode

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// trustKey is the project entry field behind the "Accessing workspace"
// dialog of Claude Code.
const trustKey = "hasTrustDialogAccepted"

// Trust marks dir as trusted in configFile by setting
// projects[dir].hasTrustDialogAccepted to true, so the CLI started in dir or
// below it shows no trust dialog. A relative dir is made absolute first. The
// CLI looks up its working directory as getcwd returns it, with symlinks
// resolved, so dir should be given in that form.
//
// Trust keeps every other key, at the top level and in the project entry,
// with its value unchanged, but not the key order. It writes a temporary
// file in the same directory, fsyncs it and renames it over configFile,
// keeping the file mode (0600 for a new file). A symlinked configFile is
// followed, so the link stays. Missing parent directories are created. When
// the entry is already true, Trust writes nothing. A configFile that is not a
// JSON object is an error that names the file, and the file is left as it is.
//
// Trust holds the locks described at lockConfig while it reads and writes.
// NOTE: Claude Code 2.1.197 writes its config without the lock when it finds
// the lock held, so a CLI running on the same file can still overwrite the
// change. Call Trust before starting the CLI.
func Trust(configFile, dir string) error {
	if dir == "" {
		return errors.New("trust: empty directory: pass the workspace's absolute path")
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("trust: make %q absolute: %w", dir, err)
	}
	path, err := resolveConfigPath(configFile)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("trust: create config directory: %w", err)
	}
	unlock, err := lockConfig(path)
	if err != nil {
		return fmt.Errorf("trust %s: %w", dir, err)
	}
	defer unlock()
	return trustLocked(path, dir)
}

// resolveConfigPath follows configFile when it is a symlink, so the rename
// replaces the file it points to and not the link.
func resolveConfigPath(configFile string) (string, error) {
	path, err := filepath.EvalSymlinks(configFile)
	if errors.Is(err, fs.ErrNotExist) {
		return filepath.Clean(configFile), nil
	}
	if err != nil {
		return "", fmt.Errorf("trust: resolve config file %s: %w", configFile, err)
	}
	return path, nil
}

// trustLocked does the read, change and write of Trust under the locks.
func trustLocked(path, dir string) error {
	data, mode, err := readConfig(path)
	if err != nil {
		return err
	}
	config, err := decodeObject(data)
	if err != nil {
		return fmt.Errorf("config file %s is not a valid JSON object, so Trust left it unchanged: "+
			"fix or remove it: %w", path, err)
	}
	changed, err := setTrusted(config, dir)
	if err != nil {
		return fmt.Errorf("config file %s: %w", path, err)
	}
	if !changed {
		return nil
	}
	out, err := encodeObject(config)
	if err != nil {
		return fmt.Errorf("encode config for %s: %w", path, err)
	}
	return replaceFile(path, out, mode)
}

// readConfig returns the config file's content and mode, or "{}" and 0600
// when it does not exist.
func readConfig(path string) ([]byte, fs.FileMode, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return []byte("{}"), 0o600, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("read config file: %w", err)
	}
	info, err := os.Stat(path)
	if err != nil {
		return nil, 0, fmt.Errorf("read config file mode: %w", err)
	}
	return data, info.Mode().Perm(), nil
}

// setTrusted sets projects[dir].hasTrustDialogAccepted to true in config. It
// returns false when the value was already true.
func setTrusted(config map[string]json.RawMessage, dir string) (bool, error) {
	projects, err := decodeMember(config, "projects")
	if err != nil {
		return false, err
	}
	entry, err := decodeMember(projects, dir)
	if err != nil {
		return false, fmt.Errorf("projects: %w", err)
	}
	var trusted bool
	if json.Unmarshal(entry[trustKey], &trusted) == nil && trusted {
		return false, nil
	}
	entry[trustKey] = json.RawMessage("true")
	if projects[dir], err = encodeObject(entry); err != nil {
		return false, err
	}
	if config["projects"], err = encodeObject(projects); err != nil {
		return false, err
	}
	return true, nil
}

// decodeMember decodes parent[key] as an object. A missing key or null gives
// an empty object.
func decodeMember(parent map[string]json.RawMessage, key string) (map[string]json.RawMessage, error) {
	raw, ok := parent[key]
	if !ok {
		return map[string]json.RawMessage{}, nil
	}
	object, err := decodeObject(raw)
	if err != nil {
		return nil, fmt.Errorf("value of %q: %w", key, err)
	}
	return object, nil
}

// decodeObject decodes a JSON object and keeps each value's raw text. null
// gives an empty object.
func decodeObject(data []byte) (map[string]json.RawMessage, error) {
	var object map[string]json.RawMessage
	if err := json.Unmarshal(data, &object); err != nil {
		return nil, err
	}
	if object == nil {
		object = map[string]json.RawMessage{}
	}
	return object, nil
}

// encodeObject encodes object with two-space indents, as Claude Code writes
// its config, and without escaping <, > and &.
func encodeObject(object map[string]json.RawMessage) ([]byte, error) {
	var buf bytes.Buffer
	encoder := json.NewEncoder(&buf)
	encoder.SetEscapeHTML(false)
	encoder.SetIndent("", "  ")
	if err := encoder.Encode(object); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
