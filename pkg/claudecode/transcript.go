package claudecode

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sync"
)

// Transcript follows the JSONL transcript of an interactive session, which
// Claude Code 2.1.197 appends to at
// <config dir>/projects/<cwd with each "/" replaced by "-">/<session ID>.jsonl.
// Each Poll reads only the bytes added since the previous Poll. Transcript is
// safe for concurrent use.
//
// NOTE: tool calls of subagents go to <session ID>/subagents/agent-*.jsonl
// next to the transcript, which Transcript does not read.
type Transcript struct {
	configDir string
	sessionID string

	mu   sync.Mutex
	path string
	// info identifies the file read so far, to notice a replaced file.
	info   fs.FileInfo
	offset int64
	// splitter keeps a partial last line from one Poll to the next.
	splitter *LineSplitter
	// update collects what the current Poll parses.
	update TranscriptUpdate
	// seen contains the uuid of every counted record, so a record read again
	// after a truncation or replacement is not counted twice.
	seen map[string]bool
}

// TranscriptUpdate is the batch of records that one Poll read.
type TranscriptUpdate struct {
	// Tools are the tool_use blocks of assistant records, in order.
	Tools []ToolUse
	// TurnsFinished counts {"type":"system","subtype":"turn_duration"}
	// records, which the CLI writes when a turn ends.
	TurnsFinished int
	// Title is the latest generated session title (an ai-title record) in
	// this update, or "" when the update has none.
	Title string
	// APIErrors are the texts of the assistant records that the CLI writes
	// in place of a reply when a model request failed (isApiErrorMessage
	// set), such as "API Error: 529 Overloaded. …".
	APIErrors []string
	// Records counts every JSON record read, including those that no other
	// field reports.
	Records int
	// Queue counts the queue-operation records by operation. Claude Code
	// 2.1.197 queues a prompt typed during a turn ("enqueue"), then either
	// passes it to the model within that turn ("remove") or submits it as
	// a new turn once the turn ends ("dequeue").
	Queue QueueOps
}

// QueueOps counts the operations on the CLI's queue of typed prompts.
type QueueOps struct {
	Enqueued, Dequeued, Removed int
}

// Add adds the counts of other to q.
func (q *QueueOps) Add(other QueueOps) {
	q.Enqueued += other.Enqueued
	q.Dequeued += other.Dequeued
	q.Removed += other.Removed
}

func (q *QueueOps) count(operation string) {
	switch operation {
	case "enqueue":
		q.Enqueued++
	case "dequeue":
		q.Dequeued++
	case "remove":
		q.Removed++
	}
}

// Pending returns how many queued prompts are neither submitted nor passed
// on, never less than 0.
func (q QueueOps) Pending() int {
	return max(0, q.Enqueued-q.Dequeued-q.Removed)
}

// NewTranscript returns a Transcript for the session sessionID under
// configDir (see ConfigDir). The file need not exist yet.
func NewTranscript(configDir, sessionID string) *Transcript {
	t := &Transcript{configDir: configDir, sessionID: sessionID, seen: make(map[string]bool)}
	t.restart()
	return t
}

// Path returns the transcript file, or "" until Poll has found it.
func (t *Transcript) Path() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.path
}

// Poll reads the records added since the previous Poll. It returns an empty
// update while the file does not exist. A partial last line is kept for the
// next Poll. When the file shrank or was replaced by another file, Poll reads
// it again from the start. NOTE: a file that was truncated and then grew past
// the old offset between two Polls looks like an appended file.
func (t *Transcript) Poll() (TranscriptUpdate, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.update = TranscriptUpdate{}
	if t.path == "" {
		path, err := findTranscript(t.configDir, t.sessionID)
		if err != nil || path == "" {
			return TranscriptUpdate{}, err
		}
		t.path = path
	}
	err := t.readNew()
	update := t.update
	t.update = TranscriptUpdate{}
	return update, err
}

// readNew feeds the bytes after the offset to the splitter.
func (t *Transcript) readNew() error {
	file, err := os.Open(t.path)
	if errors.Is(err, fs.ErrNotExist) {
		// The file was removed: look for it again on the next Poll.
		t.path = ""
		t.info = nil
		t.restart()
		return nil
	}
	if err != nil {
		return fmt.Errorf("open transcript: %w", err)
	}
	defer file.Close()
	info, err := file.Stat()
	if err != nil {
		return fmt.Errorf("stat transcript %s: %w", t.path, err)
	}
	if t.info == nil || !os.SameFile(t.info, info) || info.Size() < t.offset {
		t.restart()
	}
	t.info = info
	if _, err := file.Seek(t.offset, io.SeekStart); err != nil {
		return fmt.Errorf("seek transcript %s to %d: %w", t.path, t.offset, err)
	}
	n, err := io.Copy(t.splitter, file)
	t.offset += n
	if err != nil {
		return fmt.Errorf("read transcript %s: %w", t.path, err)
	}
	return nil
}

// restart makes the next read start at the beginning of the file.
func (t *Transcript) restart() {
	t.offset = 0
	t.splitter = NewLineSplitter(DefaultMaxLine, t.parseLine)
}

func (t *Transcript) parseLine(line []byte) {
	var rec transcriptRecord
	if json.Unmarshal(line, &rec) != nil {
		return
	}
	t.update.Records++
	key := rec.UUID
	if rec.Type == "queue-operation" {
		// Queue records carry no uuid; their time and operation tell
		// them apart when a replaced file is read again.
		key = "queue " + rec.Timestamp + " " + rec.Operation
	}
	if key != "" {
		if t.seen[key] {
			return
		}
		t.seen[key] = true
	}
	switch {
	case rec.Type == "assistant" && rec.IsAPIErrorMessage:
		t.update.APIErrors = append(t.update.APIErrors, rec.apiError())
	case rec.Type == "assistant":
		t.update.Tools = append(t.update.Tools, rec.Message.toolUses()...)
	case rec.Type == "system" && rec.Subtype == "turn_duration":
		t.update.TurnsFinished++
	case rec.Type == "ai-title" && rec.AITitle != "":
		t.update.Title = rec.AITitle
	case rec.Type == "queue-operation":
		t.update.Queue.count(rec.Operation)
	}
}
