package claudecode

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Captures of claude -p --output-format stream-json --verbose on a PTY, made
// by the real-CLI tests with -update.
const (
	printWriteCapture      = "print-write.pty"
	printOverloadedCapture = "print-overloaded.pty"
	printDeniedCapture     = "print-denied.pty"
)

// feedStream writes data to a new Stream in pieces of size bytes and
// returns the stream and the update that a single Take returns afterwards.
func feedStream(t *testing.T, data []byte, size int) (*Stream, StreamUpdate) {
	t.Helper()
	stream := NewStream()
	for len(data) > 0 {
		n := min(size, len(data))
		written, err := stream.Write(data[:n])
		require.NoError(t, err)
		require.Equal(t, n, written)
		data = data[n:]
	}
	return stream, stream.Take()
}

func readCapture(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err, "run the tests with -update, as root, to record the capture")
	return data
}

// checkPrintWrite checks the stream of a print-mode turn that wrote a.txt
// in acceptEdits mode.
func checkPrintWrite(t *testing.T, data []byte) {
	t.Helper()
	stream, update := feedStream(t, data, 61)

	require.NotNil(t, update.Init)
	assert.NotEmpty(t, update.Init.SessionID)
	assert.True(t, filepath.IsAbs(update.Init.Cwd), "cwd %q", update.Init.Cwd)
	assert.Contains(t, update.Init.Model, "claude-")
	assert.Equal(t, "acceptEdits", update.Init.PermissionMode)
	require.Len(t, update.Tools, 1)
	assert.Equal(t, "Write", update.Tools[0].Name)
	assert.Equal(t, KindCode, update.Tools[0].Kind)
	assert.Equal(t, filepath.Join(update.Init.Cwd, "a.txt"), update.Tools[0].Path)
	assert.True(t, strings.HasPrefix(update.Tools[0].ID, "toolu_"), "tool ID %q", update.Tools[0].ID)
	assert.Empty(t, update.Retries)

	result, ok := stream.Result()
	require.True(t, ok)
	assert.Equal(t, "success", result.Subtype)
	assert.False(t, result.IsError)
	assert.Equal(t, 0, result.APIErrorStatus)
	assert.Equal(t, "Done: wrote a.txt.", result.Text)
	assert.Equal(t, 2, result.NumTurns)
	assert.Positive(t, result.Duration)
	assert.Equal(t, "completed", result.TerminalReason)
	assert.Equal(t, "end_turn", result.StopReason)
	assert.Equal(t, update.Init.SessionID, result.SessionID)
	assert.Empty(t, result.PermissionDenials)
}

// checkPrintOverloaded checks the stream of a print-mode run whose model
// server responded with 529 to every request, with CLAUDE_CODE_MAX_RETRIES=2.
func checkPrintOverloaded(t *testing.T, data []byte) {
	t.Helper()
	stream, update := feedStream(t, data, 61)

	require.NotNil(t, update.Init)
	assert.Empty(t, update.Tools)
	require.Len(t, update.Retries, 2)
	for i, retry := range update.Retries {
		assert.Equal(t, i+1, retry.Attempt)
		assert.Equal(t, 2, retry.MaxRetries)
		assert.Equal(t, 529, retry.ErrorStatus)
		assert.Positive(t, retry.RetryDelay)
		assert.Equal(t, "overloaded", retry.Error)
	}

	result, ok := stream.Result()
	require.True(t, ok)
	assert.True(t, result.IsError)
	assert.Equal(t, "success", result.Subtype)
	assert.Contains(t, result.Text, "API Error")
	assert.Contains(t, result.Text, "529")
}

// checkPrintDenied checks the stream of a print-mode turn in the default
// permission mode, which rejects the Write call.
func checkPrintDenied(t *testing.T, data []byte) {
	t.Helper()
	stream, update := feedStream(t, data, 61)

	require.Len(t, update.Tools, 1)
	result, ok := stream.Result()
	require.True(t, ok)
	assert.False(t, result.IsError)
	require.Len(t, result.PermissionDenials, 1)
	denial := result.PermissionDenials[0]
	assert.Equal(t, "Write", denial.ToolName)
	assert.Equal(t, update.Tools[0].ID, denial.ToolUseID)
	assert.Contains(t, string(denial.Input), `"file_path"`)
}

func TestStreamPrintWriteCapture(t *testing.T) {
	checkPrintWrite(t, readCapture(t, printWriteCapture))
}

func TestStreamPrintOverloadedCapture(t *testing.T) {
	checkPrintOverloaded(t, readCapture(t, printOverloadedCapture))
}

func TestStreamPrintDeniedCapture(t *testing.T) {
	checkPrintDenied(t, readCapture(t, printDeniedCapture))
}

// syntheticStream has the record shapes of Claude Code 2.1.197 stream-json
// output with PTY line endings, a record behind terminal control sequences
// and lines that are not records.
const syntheticStream = `{"type":"system","subtype":"init","cwd":"/w","session_id":"s-1","tools":["Write"],"model":"m-1","permissionMode":"default"}` + "\r\n" +
	`not json at all` + "\r\n" +
	`[1,2,3]` + "\r\n" +
	`{"type":"system","subtype":"api_retry","attempt":1,"max_retries":2,"retry_delay_ms":517,"error_status":529,"error":"overloaded","session_id":"s-1"}` + "\r\n" +
	"\x1b[?25h" + `{"type":"system","subtype":"api_retry","attempt":2,"max_retries":2,"retry_delay_ms":1241.5,"error_status":529,"error":{"type":"overloaded_error"},"session_id":"s-1"}` + "\r\n" +
	`{"type":"assistant","message":{"model":"claude-opus-4-8","content":[{"type":"tool_use","id":"toolu_1","name":"Bash","input":{"command":"make"}},{"type":"tool_use","id":"toolu_2","name":"NotebookEdit","input":{"notebook_path":"/w/n.ipynb"}}]},"session_id":"s-1"}` + "\r\n" +
	`{"type":"assistant","message":{"model":"claude-opus-4-8","content":[{"type":"tool_use","id":"toolu_3","name":"Grep","input":{"pattern":"x","path":"/w/src"}}]},"session_id":"s-1"}` + "\r\n" +
	`{"type":"user","message":{"role":"user","content":"plain text content"},"session_id":"s-1"}` + "\r\n" +
	`{"type":"result","subtype":"success","is_error":true,"api_error_status":529,"duration_ms":1900,"num_turns":1,"result":"API Error: 529 Overloaded","stop_reason":"stop_sequence","session_id":"s-1","terminal_reason":"completed","permission_denials":[{"tool_name":"Write","tool_use_id":"toolu_9","tool_input":{"file_path":"/w/a.txt","content":"x"}}]}` + "\r\n" +
	"\x1b[?25h\x1b]0;\x07"

func TestStreamSyntheticRecords(t *testing.T) {
	stream, update := feedStream(t, []byte(syntheticStream), 5)

	assert.Equal(t, &Init{SessionID: "s-1", Cwd: "/w", Model: "m-1", PermissionMode: "default"}, update.Init)
	assert.Equal(t, []APIRetry{
		{Attempt: 1, MaxRetries: 2, ErrorStatus: 529, RetryDelay: 517 * time.Millisecond, Error: "overloaded"},
		{Attempt: 2, MaxRetries: 2, ErrorStatus: 529, RetryDelay: 1241500 * time.Microsecond, Error: `{"type":"overloaded_error"}`},
	}, update.Retries)
	assert.Equal(t, []ToolUse{
		{ID: "toolu_1", Name: "Bash", Kind: KindRun},
		{ID: "toolu_2", Name: "NotebookEdit", Kind: KindCode, Path: "/w/n.ipynb"},
		{ID: "toolu_3", Name: "Grep", Kind: KindResearch, Path: "/w/src"},
	}, update.Tools)

	result, ok := stream.Result()
	require.True(t, ok)
	assert.True(t, result.IsError)
	assert.Equal(t, 529, result.APIErrorStatus)
	assert.Equal(t, "API Error: 529 Overloaded", result.Text)
	assert.Equal(t, 1900*time.Millisecond, result.Duration)
	assert.Equal(t, "stop_sequence", result.StopReason)
	require.Len(t, result.PermissionDenials, 1)
	assert.Equal(t, "Write", result.PermissionDenials[0].ToolName)
	assert.Equal(t, "toolu_9", result.PermissionDenials[0].ToolUseID)
	assert.JSONEq(t, `{"file_path":"/w/a.txt","content":"x"}`, string(result.PermissionDenials[0].Input))
}

func TestStreamTakeReturnsOnlyNewRecords(t *testing.T) {
	stream := NewStream()
	initLine := `{"type":"system","subtype":"init","session_id":"s-1"}` + "\n"
	toolLine := `{"type":"assistant","message":{"content":[{"type":"tool_use","id":"toolu_1","name":"Read","input":{"file_path":"/a"}}]}}` + "\n"

	_, _ = stream.Write([]byte(initLine + toolLine))
	first := stream.Take()
	_, _ = stream.Write([]byte(initLine + toolLine[:20]))
	second := stream.Take()
	_, _ = stream.Write([]byte(toolLine[20:]))
	third := stream.Take()

	require.NotNil(t, first.Init)
	assert.Len(t, first.Tools, 1)
	assert.Nil(t, second.Init, "a second init record must not be reported")
	assert.Empty(t, second.Tools)
	assert.Len(t, third.Tools, 1)
	_, ok := stream.Result()
	assert.False(t, ok)
}

func TestStreamConcurrentReaders(t *testing.T) {
	const records = 2000
	stream := NewStream()
	var mu sync.Mutex
	var tools []ToolUse
	done := make(chan struct{})
	var readers sync.WaitGroup
	for range 3 {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for {
				update := stream.Take()
				mu.Lock()
				tools = append(tools, update.Tools...)
				mu.Unlock()
				_, _ = stream.Result()
				select {
				case <-done:
					return
				default:
				}
			}
		}()
	}

	for i := range records {
		line := fmt.Sprintf(`{"type":"assistant","message":{"content":[{"type":"tool_use","id":"toolu_%d","name":"Edit","input":{}}]}}`+"\r\n", i)
		_, _ = stream.Write([]byte(line))
	}
	_, _ = stream.Write([]byte(`{"type":"result","subtype":"success","num_turns":3}` + "\n"))
	close(done)
	readers.Wait()
	tools = append(tools, stream.Take().Tools...)

	assert.Len(t, tools, records)
	result, ok := stream.Result()
	require.True(t, ok)
	assert.Equal(t, 3, result.NumTurns)
}
