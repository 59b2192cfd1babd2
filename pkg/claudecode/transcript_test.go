package claudecode

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Transcripts of interactive sessions, copied by the real-CLI tests with
// -update.
const (
	interactiveWriteCapture      = "interactive-write.jsonl"
	interactiveOverloadedCapture = "interactive-overloaded.jsonl"
)

const testSessionID = "6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b"

// transcriptFile returns a config directory and the transcript path in it
// for testSessionID, with the project directory created.
func transcriptFile(t *testing.T) (string, string) {
	t.Helper()
	configDir := t.TempDir()
	project := filepath.Join(configDir, "projects", "-tmp-some-workspace")
	require.NoError(t, os.MkdirAll(project, 0o700))
	return configDir, filepath.Join(project, testSessionID+".jsonl")
}

func appendFile(t *testing.T, path string, data []byte) {
	t.Helper()
	file, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	require.NoError(t, err)
	_, err = file.Write(data)
	require.NoError(t, err)
	require.NoError(t, file.Close())
}

// addUpdate adds next to total, keeping the latest title.
func addUpdate(total *TranscriptUpdate, next TranscriptUpdate) {
	total.Tools = append(total.Tools, next.Tools...)
	total.TurnsFinished += next.TurnsFinished
	total.APIErrors = append(total.APIErrors, next.APIErrors...)
	total.Records += next.Records
	total.Queue.Add(next.Queue)
	if next.Title != "" {
		total.Title = next.Title
	}
}

// pollInPieces appends data to a fresh transcript file in pieces of size
// bytes, polls after each, and returns the sum of the updates.
func pollInPieces(t *testing.T, data []byte, size int) TranscriptUpdate {
	t.Helper()
	configDir, path := transcriptFile(t)
	transcript := NewTranscript(configDir, testSessionID)
	var total TranscriptUpdate
	for len(data) > 0 {
		n := min(size, len(data))
		appendFile(t, path, data[:n])
		data = data[n:]
		update, err := transcript.Poll()
		require.NoError(t, err)
		addUpdate(&total, update)
	}
	assert.Equal(t, path, transcript.Path())
	return total
}

// checkInteractiveWrite checks the transcript of an interactive turn that
// wrote t.txt.
func checkInteractiveWrite(t *testing.T, data []byte) {
	t.Helper()
	total := pollInPieces(t, data, 997)

	require.Len(t, total.Tools, 1)
	assert.Equal(t, "Write", total.Tools[0].Name)
	assert.Equal(t, KindCode, total.Tools[0].Kind)
	assert.Equal(t, "t.txt", filepath.Base(total.Tools[0].Path))
	assert.True(t, filepath.IsAbs(total.Tools[0].Path), "path %q", total.Tools[0].Path)
	assert.Equal(t, 1, total.TurnsFinished)
	assert.NotEmpty(t, total.Title)
	assert.Empty(t, total.APIErrors)
	assert.Equal(t, bytes.Count(data, []byte("\n")), total.Records)
}

// checkInteractiveOverloaded checks the transcript of an interactive turn
// whose model requests all failed with 529.
func checkInteractiveOverloaded(t *testing.T, data []byte) {
	t.Helper()
	total := pollInPieces(t, data, 997)

	assert.Empty(t, total.Tools)
	assert.Equal(t, 1, total.TurnsFinished)
	require.Len(t, total.APIErrors, 1)
	assert.True(t, strings.HasPrefix(total.APIErrors[0], "API Error: 529"), "error %q", total.APIErrors[0])
}

func TestTranscriptInteractiveWriteCapture(t *testing.T) {
	checkInteractiveWrite(t, readCapture(t, interactiveWriteCapture))
}

func TestTranscriptInteractiveOverloadedCapture(t *testing.T) {
	checkInteractiveOverloaded(t, readCapture(t, interactiveOverloadedCapture))
}

func TestTranscriptWholeCaptureInOnePoll(t *testing.T) {
	data := readCapture(t, interactiveWriteCapture)

	total := pollInPieces(t, data, len(data))

	assert.Len(t, total.Tools, 1)
	assert.Equal(t, 1, total.TurnsFinished)
}

func TestTranscriptMissingFile(t *testing.T) {
	configDir, path := transcriptFile(t)
	transcript := NewTranscript(configDir, testSessionID)

	update, err := transcript.Poll()
	require.NoError(t, err)
	assert.Equal(t, TranscriptUpdate{}, update)
	assert.Empty(t, transcript.Path())

	appendFile(t, path, []byte(turnRecord("u1")))
	update, err = transcript.Poll()
	require.NoError(t, err)
	assert.Equal(t, 1, update.TurnsFinished)
	assert.Equal(t, path, transcript.Path())
}

func TestTranscriptMissingProjectsDirectory(t *testing.T) {
	transcript := NewTranscript(filepath.Join(t.TempDir(), "absent"), testSessionID)

	update, err := transcript.Poll()

	require.NoError(t, err)
	assert.Equal(t, TranscriptUpdate{}, update)
}

func TestTranscriptInvalidSessionID(t *testing.T) {
	for _, id := range []string{"", "../escape", "a/b", ".."} {
		_, err := NewTranscript(t.TempDir(), id).Poll()

		assert.ErrorContains(t, err, "invalid session ID", "session ID %q", id)
	}
}

func TestTranscriptPartialLine(t *testing.T) {
	configDir, path := transcriptFile(t)
	transcript := NewTranscript(configDir, testSessionID)
	line := toolRecord("u1", "toolu_1", "Edit", "/w/a.go")

	appendFile(t, path, []byte(line[:40]))
	first, err := transcript.Poll()
	require.NoError(t, err)
	appendFile(t, path, []byte(line[40:]))
	second, err := transcript.Poll()
	require.NoError(t, err)

	assert.Empty(t, first.Tools)
	assert.Equal(t, 0, first.Records)
	assert.Equal(t, []ToolUse{{ID: "toolu_1", Name: "Edit", Kind: KindCode, Path: "/w/a.go"}}, second.Tools)
}

func TestTranscriptLongRecord(t *testing.T) {
	content := strings.Repeat("x", 5<<20)
	line := fmt.Sprintf(`{"type":"assistant","uuid":"u1","message":{"content":[{"type":"tool_use","id":"toolu_1","name":"Write","input":{"file_path":"/w/big.txt","content":%q}}]}}`+"\n", content)

	total := pollInPieces(t, []byte(line), 1<<20)

	require.Len(t, total.Tools, 1)
	assert.Equal(t, "/w/big.txt", total.Tools[0].Path)
}

func TestTranscriptTruncatedFileIsReadAgain(t *testing.T) {
	configDir, path := transcriptFile(t)
	transcript := NewTranscript(configDir, testSessionID)
	appendFile(t, path, []byte(turnRecord("u1")+turnRecord("u2")+turnRecord("u3")))
	first, err := transcript.Poll()
	require.NoError(t, err)

	require.NoError(t, os.Truncate(path, 0))
	appendFile(t, path, []byte(turnRecord("u1")+turnRecord("u4")))
	second, err := transcript.Poll()
	require.NoError(t, err)

	assert.Equal(t, 3, first.TurnsFinished)
	assert.Equal(t, 1, second.TurnsFinished, "only the record with a new uuid counts")
	assert.Equal(t, 2, second.Records)
}

func TestTranscriptReplacedFileIsReadAgain(t *testing.T) {
	configDir, path := transcriptFile(t)
	transcript := NewTranscript(configDir, testSessionID)
	appendFile(t, path, []byte(turnRecord("u1")))
	first, err := transcript.Poll()
	require.NoError(t, err)

	replacement := path + ".new"
	appendFile(t, replacement, []byte(turnRecord("u1")+turnRecord("u2")+turnRecord("u3")))
	require.NoError(t, os.Rename(replacement, path))
	second, err := transcript.Poll()
	require.NoError(t, err)

	assert.Equal(t, 1, first.TurnsFinished)
	assert.Equal(t, 2, second.TurnsFinished)
	assert.Equal(t, 3, second.Records)
}

func TestTranscriptRemovedFileIsSearchedAgain(t *testing.T) {
	configDir, path := transcriptFile(t)
	transcript := NewTranscript(configDir, testSessionID)
	appendFile(t, path, []byte(turnRecord("u1")))
	_, err := transcript.Poll()
	require.NoError(t, err)

	require.NoError(t, os.Remove(path))
	update, err := transcript.Poll()
	require.NoError(t, err)

	assert.Equal(t, TranscriptUpdate{}, update)
	assert.Empty(t, transcript.Path())
}

func TestTranscriptPicksNewestOfSeveralFiles(t *testing.T) {
	configDir, older := transcriptFile(t)
	newerDir := filepath.Join(configDir, "projects", "-tmp-other")
	require.NoError(t, os.MkdirAll(newerDir, 0o700))
	newer := filepath.Join(newerDir, testSessionID+".jsonl")
	appendFile(t, older, []byte(turnRecord("u1")))
	appendFile(t, newer, []byte(turnRecord("u2")))
	past := time.Now().Add(-time.Hour)
	require.NoError(t, os.Chtimes(older, past, past))

	transcript := NewTranscript(configDir, testSessionID)
	_, err := transcript.Poll()
	require.NoError(t, err)

	assert.Equal(t, newer, transcript.Path())
}

func TestTranscriptRecordKinds(t *testing.T) {
	lines := `{"type":"ai-title","aiTitle":"First title","sessionId":"s"}` + "\n" +
		`{"type":"mode","mode":"normal"}` + "\n" +
		`{"type":"user","uuid":"u1","message":{"role":"user","content":"do it"}}` + "\n" +
		`not json` + "\n" +
		toolRecord("u2", "toolu_1", "Bash", "") +
		toolRecord("u3", "toolu_2", "Read", "/w/r.go") +
		`{"type":"assistant","uuid":"u4","isApiErrorMessage":true,"apiErrorStatus":500,"error":"server_error","message":{"model":"<synthetic>","content":[]}}` + "\n" +
		`{"type":"assistant","uuid":"u5","message":{"model":"<synthetic>","content":[{"type":"text","text":"No response requested."}]}}` + "\n" +
		turnRecord("u6") +
		`{"type":"ai-title","aiTitle":"Second title","sessionId":"s"}` + "\n"

	total := pollInPieces(t, []byte(lines), 13)

	assert.Equal(t, []ToolUse{
		{ID: "toolu_1", Name: "Bash", Kind: KindRun},
		{ID: "toolu_2", Name: "Read", Kind: KindResearch, Path: "/w/r.go"},
	}, total.Tools)
	assert.Equal(t, []string{"API error: status 500, server_error"}, total.APIErrors)
	assert.Equal(t, 1, total.TurnsFinished)
	assert.Equal(t, "Second title", total.Title)
	assert.Equal(t, 9, total.Records)
}

func TestTranscriptCountsTypedPromptQueue(t *testing.T) {
	lines := queueRecord("2026-12-05T03:55:18.712Z", "enqueue") +
		queueRecord("2026-12-05T03:55:26.512Z", "remove") +
		queueRecord("2026-12-05T03:56:01.100Z", "enqueue") +
		queueRecord("2026-12-05T03:56:09.400Z", "dequeue") +
		queueRecord("2026-12-05T03:57:00.000Z", "enqueue")

	total := pollInPieces(t, []byte(lines), 17)

	assert.Equal(t, QueueOps{Enqueued: 3, Dequeued: 1, Removed: 1}, total.Queue)
	assert.Equal(t, 1, total.Queue.Pending(), "the last prompt is still queued")
}

func TestTranscriptQueueRecordsCountOnceWhenReadAgain(t *testing.T) {
	configDir, path := transcriptFile(t)
	transcript := NewTranscript(configDir, testSessionID)
	appendFile(t, path, []byte(queueRecord("2026-12-05T03:56:01.100Z", "enqueue")))
	first, err := transcript.Poll()
	require.NoError(t, err)

	require.NoError(t, os.Truncate(path, 0))
	appendFile(t, path, []byte(queueRecord("2026-12-05T03:56:01.100Z", "enqueue")+
		queueRecord("2026-12-05T03:56:09.400Z", "dequeue")))
	second, err := transcript.Poll()
	require.NoError(t, err)

	assert.Equal(t, QueueOps{Enqueued: 1}, first.Queue)
	assert.Equal(t, QueueOps{Dequeued: 1}, second.Queue, "the enqueue read again is not counted twice")
}

func TestQueueOpsPendingNeverNegative(t *testing.T) {
	assert.Equal(t, 0, QueueOps{Dequeued: 2}.Pending())
}

func queueRecord(timestamp, operation string) string {
	return fmt.Sprintf(`{"type":"queue-operation","operation":%q,"timestamp":%q,"sessionId":"s"}`+"\n",
		operation, timestamp)
}

func turnRecord(uuid string) string {
	return fmt.Sprintf(`{"type":"system","subtype":"turn_duration","durationMs":212,"uuid":%q}`+"\n", uuid)
}

func toolRecord(uuid, id, name, path string) string {
	return fmt.Sprintf(`{"type":"assistant","uuid":%q,"message":{"content":[{"type":"tool_use","id":%q,"name":%q,"input":{"file_path":%q}}]}}`+"\n",
		uuid, id, name, path)
}
