package claudecode

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// Resumable reports whether the session sessionID under configDir can be
// continued with --resume: its transcript exists and contains at least one user
// message. Claude Code 2.1.197 resumes such a session under the same ID and
// appends to the same file, and it exits with "No conversation found with
// session ID" for an ID without a transcript. A session that never took a
// prompt has nothing to continue.
func Resumable(configDir, sessionID string) (bool, error) {
	path, err := findTranscript(configDir, sessionID)
	if err != nil || path == "" {
		return false, err
	}
	file, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("open transcript of session %s: %w", sessionID, err)
	}
	defer file.Close()
	found := false
	splitter := NewLineSplitter(DefaultMaxLine, func(line []byte) {
		var rec struct {
			Type string `json:"type"`
		}
		if !found && json.Unmarshal(line, &rec) == nil && rec.Type == "user" {
			found = true
		}
	})
	if _, err := io.Copy(splitter, file); err != nil {
		return false, fmt.Errorf("read transcript %s: %w", path, err)
	}
	return found, nil
}

// SkipExisting reads the records already in the transcript and drops them,
// so that later Polls report only the records appended after this call.
// A resumed session appends to the transcript of the session it continues,
// whose finished turns and API errors belong to an earlier run of the CLI.
// The records skipped are remembered, so they are not counted even when the
// file is replaced and read again from the start.
func (t *Transcript) SkipExisting() error {
	if _, err := t.Poll(); err != nil {
		return fmt.Errorf("skip the earlier records of session %s: %w", t.sessionID, err)
	}
	return nil
}
