package claudecode

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// transcriptRecord is the union of the transcript record fields that
// Transcript reads.
type transcriptRecord struct {
	Type    string   `json:"type"`
	Subtype string   `json:"subtype"`
	UUID    string   `json:"uuid"`
	Message *message `json:"message"`
	AITitle string   `json:"aiTitle"`
	// Operation and Timestamp are set on queue-operation records.
	Operation string `json:"operation"`
	Timestamp string `json:"timestamp"`

	// Set on the assistant record that the CLI writes in place of a reply
	// when a model request failed. Its message.model is "<synthetic>".
	IsAPIErrorMessage bool   `json:"isApiErrorMessage"`
	APIErrorStatus    int    `json:"apiErrorStatus"`
	Error             string `json:"error"`
}

// apiError returns the error text that the CLI showed, or a summary of the
// error fields when the record has no text.
func (r *transcriptRecord) apiError() string {
	if text := r.Message.text(); text != "" {
		return text
	}
	return fmt.Sprintf("API error: status %d, %s", r.APIErrorStatus, r.Error)
}

// findTranscript returns <configDir>/projects/*/<sessionID>.jsonl, the most
// recently modified when there are several, or "" when there is none. It
// lists the directories instead of globbing, because a config directory may
// contain glob metacharacters.
func findTranscript(configDir, sessionID string) (string, error) {
	if sessionID == "" || strings.ContainsAny(sessionID, `/\`) || strings.HasPrefix(sessionID, ".") {
		return "", fmt.Errorf("invalid session ID %q: pass a UUID such as NewSessionID returns", sessionID)
	}
	projects := filepath.Join(configDir, "projects")
	entries, err := os.ReadDir(projects)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("list transcripts: %w", err)
	}
	var found string
	var foundInfo fs.FileInfo
	for _, entry := range entries {
		candidate := filepath.Join(projects, entry.Name(), sessionID+".jsonl")
		info, err := os.Stat(candidate)
		if err != nil || !info.Mode().IsRegular() {
			continue
		}
		if foundInfo == nil || info.ModTime().After(foundInfo.ModTime()) {
			found, foundInfo = candidate, info
		}
	}
	return found, nil
}
