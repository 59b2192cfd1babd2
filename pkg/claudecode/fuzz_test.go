package claudecode

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// addCaptureSeeds adds every capture in testdata to the corpus, split at
// its middle, with two short records and an empty input.
func addCaptureSeeds(f *testing.F) {
	f.Helper()
	names, err := filepath.Glob(filepath.Join("testdata", "*"))
	require.NoError(f, err)
	require.NotEmpty(f, names, "no captures in testdata")
	for _, name := range names {
		data, err := os.ReadFile(name)
		require.NoError(f, err)
		f.Add(data, uint(len(data)/2))
	}
	f.Add([]byte(`{"type":"result","subtype":"success","is_error":true,"api_error_status":529}`+"\r\n"), uint(3))
	f.Add([]byte(`{"type":"assistant","uuid":"u1","message":{"content":[{"type":"tool_use","id":"t","name":"Write","input":{"file_path":"a.go"}}]}}`+"\n"), uint(40))
	f.Add([]byte{}, uint(0))
}

// streamTotal is everything a Stream reported over all Takes.
type streamTotal struct {
	update StreamUpdate
	result *Result
}

// feedStreamAt writes data to a new Stream in two writes split at cut and
// sums its updates.
func feedStreamAt(data []byte, cut int) streamTotal {
	s := NewStream()
	var total streamTotal
	for _, part := range [][]byte{data[:cut], data[cut:]} {
		_, _ = s.Write(part)
		update := s.Take()
		total.update.Tools = append(total.update.Tools, update.Tools...)
		total.update.Retries = append(total.update.Retries, update.Retries...)
		if update.Init != nil {
			total.update.Init = update.Init
		}
	}
	total.result, _ = s.Result()
	return total
}

// FuzzStream checks that the stream-json parser reports the same records
// however its input is split across writes, and that a record it reports
// was in the input.
func FuzzStream(f *testing.F) {
	addCaptureSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte, cut uint) {
		split := int(cut % uint(len(data)+1))
		whole := feedStreamAt(data, 0)
		parts := feedStreamAt(data, split)
		assert.Equal(t, whole, parts, "split at byte %d", split)
		if len(data) == 0 {
			assert.Equal(t, streamTotal{}, whole, "empty input reports nothing")
		}
	})
}

// FuzzLineSplitter checks that lines and drops do not depend on where the
// input is split, and that each line is within the max with its ending
// removed.
func FuzzLineSplitter(f *testing.F) {
	addCaptureSeeds(f)
	const maxLine = 64
	f.Fuzz(func(t *testing.T, data []byte, cut uint) {
		split := int(cut % uint(len(data)+1))
		collect := func(parts ...[]byte) ([]string, int) {
			var lines []string
			s := NewLineSplitter(maxLine, func(line []byte) { lines = append(lines, string(line)) })
			for _, part := range parts {
				_, _ = s.Write(part)
			}
			return lines, s.Dropped()
		}
		wholeLines, wholeDropped := collect(data)
		splitLines, splitDropped := collect(data[:split], data[split:])
		assert.Equal(t, wholeLines, splitLines, "split at byte %d", split)
		assert.Equal(t, wholeDropped, splitDropped, "split at byte %d", split)
		for _, line := range wholeLines {
			assert.LessOrEqual(t, len(line), maxLine)
			assert.NotContains(t, line, "\n")
		}
	})
}

// pollTranscriptAt appends data to a new transcript file in two pieces
// split at cut, polls after each, and sums the updates.
func pollTranscriptAt(t *testing.T, data []byte, cut int) TranscriptUpdate {
	t.Helper()
	configDir := t.TempDir()
	project := filepath.Join(configDir, "projects", "-fuzz")
	require.NoError(t, os.MkdirAll(project, 0o700))
	path := filepath.Join(project, testSessionID+".jsonl")
	transcript := NewTranscript(configDir, testSessionID)
	var total TranscriptUpdate
	for _, part := range [][]byte{data[:cut], data[cut:]} {
		appendFile(t, path, part)
		update, err := transcript.Poll()
		require.NoError(t, err)
		addUpdate(&total, update)
	}
	again, err := transcript.Poll()
	require.NoError(t, err)
	assert.Equal(t, TranscriptUpdate{}, again, "a poll without new bytes reports nothing")
	return total
}

// FuzzTranscript checks that the transcript parser reports the same records
// however the file grows between polls, and no more tool uses than records.
func FuzzTranscript(f *testing.F) {
	addCaptureSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte, cut uint) {
		split := int(cut % uint(len(data)+1))
		whole := pollTranscriptAt(t, data, 0)
		parts := pollTranscriptAt(t, data, split)
		assert.Equal(t, whole, parts, "split at byte %d", split)
		assert.LessOrEqual(t, whole.TurnsFinished+len(whole.APIErrors), whole.Records)
	})
}
