package mockmodel

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sseEvent is one server-sent event with its data parsed as JSON.
type sseEvent struct {
	name string
	data map[string]any
}

// readEvents parses a server-sent event stream with one data line per event.
func readEvents(r io.Reader) ([]sseEvent, error) {
	var events []sseEvent
	var current sseEvent
	scanner := bufio.NewScanner(r)
	for scanner.Scan() {
		line := scanner.Text()
		switch {
		case strings.HasPrefix(line, "event: "):
			current.name = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &current.data); err != nil {
				return nil, fmt.Errorf("parse data line %q: %w", line, err)
			}
		case line == "":
			events = append(events, current)
			current = sseEvent{}
		default:
			return nil, fmt.Errorf("unexpected line %q", line)
		}
	}
	return events, scanner.Err()
}

// writePathFromEvents returns the file_path of the streamed tool input, or "".
func writePathFromEvents(events []sseEvent) string {
	var partial strings.Builder
	for _, event := range events {
		delta, _ := event.data["delta"].(map[string]any)
		if delta["type"] == "input_json_delta" {
			partial.WriteString(delta["partial_json"].(string))
		}
	}
	var input writeInput
	if json.Unmarshal([]byte(partial.String()), &input) != nil {
		return ""
	}
	return input.FilePath
}

func TestStreamWriteEvents(t *testing.T) {
	_, httpServer := startTestServer(t)
	prompt := "create hello.txt with “quotes” [[write file=hello.txt]]"

	resp, body := postMessages(t, httpServer.URL, mainRequest(true, promptMessage(prompt)))
	events, err := readEvents(strings.NewReader(string(body)))
	require.NoError(t, err)
	names := make([]string, len(events))
	for i, event := range events {
		names[i] = event.name
		assert.Equal(t, event.name, event.data["type"], "event %d", i)
	}

	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "text/event-stream; charset=utf-8", resp.Header.Get("content-type"))
	assert.Regexp(t, `^req_[0-9a-f]{24}$`, resp.Header.Get("request-id"))
	require.GreaterOrEqual(t, len(events), 9)

	start := events[0].data["message"].(map[string]any)
	assert.Equal(t, "message_start", events[0].name)
	assert.Regexp(t, `^msg_[0-9a-f]{24}$`, start["id"])
	assert.Equal(t, "message", start["type"])
	assert.Equal(t, "assistant", start["role"])
	assert.Equal(t, "claude-opus-4-8", start["model"])
	assert.Equal(t, []any{}, start["content"])
	assert.Contains(t, start, "stop_reason")
	assert.Nil(t, start["stop_reason"])
	assert.Contains(t, start["usage"], "input_tokens")
	assert.Contains(t, start["usage"], "output_tokens")

	blocks := collectBlocks(t, events[1:len(events)-2])
	require.Len(t, blocks, 2)
	assert.Equal(t, map[string]any{"type": "text", "text": ""}, blocks[0].start)
	assert.Equal(t, "I'll create hello.txt.", blocks[0].text)
	assert.Equal(t, "tool_use", blocks[1].start["type"])
	assert.Equal(t, "Write", blocks[1].start["name"])
	assert.Regexp(t, `^toolu_[0-9a-f]{24}$`, blocks[1].start["id"])
	assert.Equal(t, map[string]any{}, blocks[1].start["input"])
	assert.GreaterOrEqual(t, blocks[1].deltas, 2)
	var input writeInput
	require.NoError(t, json.Unmarshal([]byte(blocks[1].json), &input))
	assert.Equal(t, testWorkDir+"/hello.txt", input.FilePath)
	assert.Equal(t, "Written by the scripted model for the prompt: "+prompt+"\n", input.Content)

	messageDelta := events[len(events)-2]
	assert.Equal(t, "message_delta", messageDelta.name)
	assert.Equal(t, "tool_use", messageDelta.data["delta"].(map[string]any)["stop_reason"])
	assert.Contains(t, messageDelta.data["usage"], "output_tokens")
	assert.Equal(t, "message_stop", events[len(events)-1].name)
}

func TestStreamFinalText(t *testing.T) {
	_, httpServer := startTestServer(t)
	result := map[string]any{
		"role":    "user",
		"content": []map[string]any{{"type": "tool_result", "tool_use_id": "toolu_1", "content": "ok"}},
	}

	_, body := postMessages(t, httpServer.URL, mainRequest(true, promptMessage("create a.txt"), result))
	events, err := readEvents(strings.NewReader(string(body)))
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(events), 2)
	blocks := collectBlocks(t, events[1:len(events)-2])

	require.Len(t, blocks, 1)
	assert.Equal(t, "Done.", blocks[0].text)
	assert.Equal(t, "end_turn", events[len(events)-2].data["delta"].(map[string]any)["stop_reason"])
}

// streamedBlock is one content block reassembled from its events.
type streamedBlock struct {
	start  map[string]any
	text   string
	json   string
	deltas int
}

// collectBlocks checks the start, delta and stop order of the content block
// events and reassembles each block.
func collectBlocks(t *testing.T, events []sseEvent) []streamedBlock {
	t.Helper()
	var blocks []streamedBlock
	open := false
	for _, event := range events {
		index := int(event.data["index"].(float64))
		switch event.name {
		case "content_block_start":
			require.False(t, open, "block %d starts before the previous one stops", index)
			require.Equal(t, len(blocks), index)
			blocks = append(blocks, streamedBlock{start: event.data["content_block"].(map[string]any)})
			open = true
		case "content_block_delta":
			require.True(t, open, "delta outside a block")
			require.Equal(t, len(blocks)-1, index)
			delta := event.data["delta"].(map[string]any)
			block := &blocks[index]
			block.deltas++
			switch delta["type"] {
			case "text_delta":
				block.text += delta["text"].(string)
			case "input_json_delta":
				block.json += delta["partial_json"].(string)
			default:
				t.Fatalf("unexpected delta type %v", delta["type"])
			}
		case "content_block_stop":
			require.True(t, open, "stop outside a block")
			require.Equal(t, len(blocks)-1, index)
			open = false
		default:
			t.Fatalf("unexpected event %q between message_start and message_delta", event.name)
		}
	}
	require.False(t, open, "last block never stops")
	return blocks
}

func TestTalkStreamsOneLinePerDelta(t *testing.T) {
	_, httpServer := startTestServer(t)

	_, body := postMessages(t, httpServer.URL, mainRequest(true, promptMessage("Explain it [[talk seconds=3]]")))
	events, err := readEvents(strings.NewReader(string(body)))
	require.NoError(t, err)

	var deltas []string
	for _, event := range events {
		if delta, ok := event.data["delta"].(map[string]any); ok && delta["type"] == "text_delta" {
			deltas = append(deltas, delta["text"].(string))
		}
	}
	require.Len(t, deltas, 4, "the text and one line a second for 3 s")
	assert.Equal(t, "No file name found in the prompt, so nothing was written.\n", deltas[0])
	assert.Equal(t, "Thought 1 of 3 on the request, with no file written.\n", deltas[1])
	assert.Equal(t, "Thought 3 of 3 on the request, with no file written.", deltas[3])
}

func TestTalkSendsWholeTextWithoutStream(t *testing.T) {
	_, httpServer := startTestServer(t)

	_, body := postMessages(t, httpServer.URL, mainRequest(false, promptMessage("Explain it [[talk seconds=2]]")))
	msg := decodeMessage(t, body)

	require.Len(t, msg.Content, 1)
	assert.Equal(t, "end_turn", msg.StopReason)
	assert.Equal(t, "No file name found in the prompt, so nothing was written.\n"+
		"Thought 1 of 2 on the request, with no file written.\n"+
		"Thought 2 of 2 on the request, with no file written.", msg.Content[0].Text)
}
