package mockmodel

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap/zaptest"
)

func TestProbeHeadAndGet(t *testing.T) {
	server, httpServer := startTestServer(t)

	head, err := http.Head(httpServer.URL + "/")
	require.NoError(t, err)
	head.Body.Close()
	get, err := http.Get(httpServer.URL + "/")
	require.NoError(t, err)
	get.Body.Close()

	assert.Equal(t, http.StatusOK, head.StatusCode)
	assert.Equal(t, http.StatusOK, get.StatusCode)
	assert.Equal(t, int64(2), server.Stats().Probes)
}

func TestUnknownRouteNotFound(t *testing.T) {
	server, httpServer := startTestServer(t)

	resp, err := http.Get(httpServer.URL + "/v1/models")
	require.NoError(t, err)
	defer resp.Body.Close()
	var body apiErrorBody
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))

	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	assert.Equal(t, "error", body.Type)
	assert.Equal(t, "not_found_error", body.Error.Type)
	assert.Contains(t, body.Error.Message, "/v1/models")
	assert.Equal(t, int64(1), server.Stats().Errors)
}

func TestMessagesGetNotFound(t *testing.T) {
	_, httpServer := startTestServer(t)

	resp, err := http.Get(httpServer.URL + "/v1/messages")
	require.NoError(t, err)
	resp.Body.Close()

	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}

func TestMalformedBodyBadRequest(t *testing.T) {
	server, httpServer := startTestServer(t)

	resp, body := postRaw(t, httpServer.URL, []byte(`{"model": "x", "messages": [`))
	var errBody apiErrorBody
	require.NoError(t, json.Unmarshal(body, &errBody))

	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Equal(t, "invalid_request_error", errBody.Error.Type)
	assert.NotEmpty(t, resp.Header.Get("request-id"))
	assert.Equal(t, int64(1), server.Stats().Errors)
}

func TestBadContentBadRequest(t *testing.T) {
	_, httpServer := startTestServer(t)

	resp, body := postRaw(t, httpServer.URL, []byte(`{"messages":[{"role":"user","content":42}]}`))

	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, string(body), "messages[0].content")
}

func TestSideRequestTitleSchema(t *testing.T) {
	server, httpServer := startTestServer(t)
	body := map[string]any{
		"model":    "claude-haiku",
		"tools":    []any{},
		"system":   "Generate a concise, sentence-case title (3-7 words).",
		"messages": []any{map[string]any{"role": "user", "content": "<session>\ncreate hello.txt\n</session>"}},
		"output_config": map[string]any{"format": map[string]any{
			"type": "json_schema",
			"schema": map[string]any{
				"type":                 "object",
				"properties":           map[string]any{"title": map[string]any{"type": "string"}},
				"required":             []string{"title"},
				"additionalProperties": false,
			},
		}},
	}

	resp, respBody := postMessages(t, httpServer.URL, body)
	msg := decodeMessage(t, respBody)
	require.Len(t, msg.Content, 1)
	var title map[string]any
	require.NoError(t, json.Unmarshal([]byte(msg.Content[0].Text), &title))

	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "end_turn", msg.StopReason)
	assert.Equal(t, map[string]any{"title": "Scripted task"}, title)
	assert.Equal(t, int64(1), server.Stats().Side)
	assert.Equal(t, int64(0), server.Stats().Main)
}

func TestSideRequestNestedSchema(t *testing.T) {
	_, httpServer := startTestServer(t)
	schema := map[string]any{
		"type": "object",
		"properties": map[string]any{
			"count":  map[string]any{"type": "integer"},
			"score":  map[string]any{"type": "number"},
			"done":   map[string]any{"type": "boolean"},
			"tags":   map[string]any{"type": "array", "items": map[string]any{"type": "string"}},
			"level":  map[string]any{"type": "string", "enum": []string{"low", "high"}},
			"note":   map[string]any{"type": []string{"null", "string"}},
			"nested": map[string]any{"type": "object", "properties": map[string]any{"name": map[string]any{"type": "string"}}},
		},
	}
	body := map[string]any{
		"messages":      []any{map[string]any{"role": "user", "content": "summarise"}},
		"output_config": map[string]any{"format": map[string]any{"type": "json_schema", "schema": schema}},
	}

	_, respBody := postMessages(t, httpServer.URL, body)
	msg := decodeMessage(t, respBody)
	require.Len(t, msg.Content, 1)
	var value map[string]any
	require.NoError(t, json.Unmarshal([]byte(msg.Content[0].Text), &value))

	assert.Equal(t, float64(1), value["count"])
	assert.Equal(t, float64(1), value["score"])
	assert.Equal(t, true, value["done"])
	assert.Equal(t, []any{}, value["tags"])
	assert.Equal(t, "low", value["level"])
	assert.Equal(t, "Scripted task", value["note"])
	assert.Equal(t, map[string]any{"name": "Scripted task"}, value["nested"])
}

func TestSideRequestWithoutSchema(t *testing.T) {
	_, httpServer := startTestServer(t)
	body := map[string]any{"messages": []any{map[string]any{"role": "user", "content": "hello"}}}

	_, respBody := postMessages(t, httpServer.URL, body)
	msg := decodeMessage(t, respBody)
	require.Len(t, msg.Content, 1)

	assert.Equal(t, "text", msg.Content[0].Type)
	assert.Equal(t, "Scripted reply.", msg.Content[0].Text)
}

func TestMainWriteDirective(t *testing.T) {
	server, httpServer := startTestServer(t)
	prompt := "please take notes [[write file=notes/todo.md]]\nsecond line mentions other.txt"

	resp, respBody := postMessages(t, httpServer.URL, mainRequest(false, promptMessage(prompt)))
	msg := decodeMessage(t, respBody)
	require.Len(t, msg.Content, 2)
	var input writeInput
	require.NoError(t, json.Unmarshal(msg.Content[1].Input, &input))

	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Regexp(t, `^msg_[0-9a-f]{24}$`, msg.ID)
	assert.Equal(t, "message", msg.Type)
	assert.Equal(t, "assistant", msg.Role)
	assert.Equal(t, "claude-opus-4-8", msg.Model)
	assert.Equal(t, "tool_use", msg.StopReason)
	assert.Equal(t, "text", msg.Content[0].Type)
	assert.Equal(t, "I'll create notes/todo.md.", msg.Content[0].Text)
	assert.Equal(t, "tool_use", msg.Content[1].Type)
	assert.Equal(t, "Write", msg.Content[1].Name)
	assert.Regexp(t, `^toolu_[0-9a-f]{24}$`, msg.Content[1].ID)
	assert.Equal(t, testWorkDir+"/notes/todo.md", input.FilePath)
	assert.Equal(t, "Written by the scripted model for the prompt: please take notes [[write file=notes/todo.md]]\n", input.Content)
	assert.Equal(t, int64(1), server.Stats().Main)
}

func TestMainFileNameFromPrompt(t *testing.T) {
	cases := []struct {
		prompt string
		path   string
	}{
		{prompt: "create hello.txt", path: testWorkDir + "/hello.txt"},
		{prompt: "Please write `src/app.go`, then stop.", path: testWorkDir + "/src/app.go"},
		{prompt: "wait 1.5 seconds and make notes.md.", path: testWorkDir + "/notes.md"},
		{prompt: "create /var/data/out.json", path: "/var/data/out.json"},
		{prompt: "[[delay=0]] make [[other x.txt]] report.csv", path: testWorkDir + "/report.csv"},
	}
	_, httpServer := startTestServer(t)
	for _, tc := range cases {
		t.Run(tc.prompt, func(t *testing.T) {
			_, respBody := postMessages(t, httpServer.URL, mainRequest(false, promptMessage(tc.prompt)))
			msg := decodeMessage(t, respBody)
			require.Len(t, msg.Content, 2)
			var input writeInput
			require.NoError(t, json.Unmarshal(msg.Content[1].Input, &input))

			assert.Equal(t, tc.path, input.FilePath)
		})
	}
}

func TestMainWithoutWorkingDir(t *testing.T) {
	_, httpServer := startTestServer(t)
	body := mainRequest(false, promptMessage("create hello.txt"))
	body["system"] = "You are a test."

	_, respBody := postMessages(t, httpServer.URL, body)
	msg := decodeMessage(t, respBody)
	require.Len(t, msg.Content, 2)
	var input writeInput
	require.NoError(t, json.Unmarshal(msg.Content[1].Input, &input))

	assert.Equal(t, "hello.txt", input.FilePath)
}

func TestMainNoFileNameEndsTurn(t *testing.T) {
	_, httpServer := startTestServer(t)

	_, respBody := postMessages(t, httpServer.URL, mainRequest(false, promptMessage("say hi")))
	msg := decodeMessage(t, respBody)
	require.Len(t, msg.Content, 1)

	assert.Equal(t, "end_turn", msg.StopReason)
	assert.Equal(t, "text", msg.Content[0].Type)
}

func TestMainWithoutWriteTool(t *testing.T) {
	_, httpServer := startTestServer(t)
	body := mainRequest(false, promptMessage("create hello.txt"))
	body["tools"] = []map[string]any{{"name": "Bash"}}

	_, respBody := postMessages(t, httpServer.URL, body)
	msg := decodeMessage(t, respBody)
	require.Len(t, msg.Content, 1)

	assert.Equal(t, "end_turn", msg.StopReason)
	assert.Contains(t, msg.Content[0].Text, "no Write tool")
}

func TestToolResultEndsTurn(t *testing.T) {
	toolUse := map[string]any{
		"role": "assistant",
		"content": []map[string]any{
			{"type": "text", "text": "I'll create hello.txt."},
			{"type": "tool_use", "id": "toolu_1", "name": "Write", "input": map[string]any{"file_path": testWorkDir + "/hello.txt", "content": "x"}},
		},
	}
	results := map[string]any{
		"string content": "File created successfully at: " + testWorkDir + "/hello.txt",
		"block content":  []map[string]any{{"type": "text", "text": "File created successfully"}},
	}
	_, httpServer := startTestServer(t)
	for name, content := range results {
		t.Run(name, func(t *testing.T) {
			result := map[string]any{
				"role":    "user",
				"content": []map[string]any{{"type": "tool_result", "tool_use_id": "toolu_1", "content": content}},
			}
			body := mainRequest(false, promptMessage("create hello.txt [[delay=30]]"), toolUse, result)

			_, respBody := postMessages(t, httpServer.URL, body)
			msg := decodeMessage(t, respBody)
			require.Len(t, msg.Content, 1)

			assert.Equal(t, "end_turn", msg.StopReason)
			assert.Equal(t, "Done: wrote hello.txt.", msg.Content[0].Text)
		})
	}
}

func TestToolResultErrorReported(t *testing.T) {
	_, httpServer := startTestServer(t)
	result := map[string]any{
		"role": "user",
		"content": []map[string]any{{
			"type": "tool_result", "tool_use_id": "toolu_1", "is_error": true,
			"content": "Claude requested permissions to write to /tmp/workspace/hello.txt, but you haven't granted it yet.",
		}},
	}

	_, respBody := postMessages(t, httpServer.URL, mainRequest(false, promptMessage("create hello.txt"), result))
	msg := decodeMessage(t, respBody)
	require.Len(t, msg.Content, 1)

	assert.Equal(t, "end_turn", msg.StopReason)
	assert.Contains(t, msg.Content[0].Text, "haven't granted it yet")
}

func TestInvalidDirectiveBadRequest(t *testing.T) {
	server, httpServer := startTestServer(t)

	resp, body := postMessages(t, httpServer.URL, mainRequest(false, promptMessage("create a.txt [[delay=soon]]")))
	var errBody apiErrorBody
	require.NoError(t, json.Unmarshal(body, &errBody))

	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Equal(t, "invalid_request_error", errBody.Error.Type)
	assert.Contains(t, errBody.Error.Message, `"soon"`)
	assert.Equal(t, int64(1), server.Stats().Errors)
}

func TestLargePromptAccepted(t *testing.T) {
	_, httpServer := startTestServer(t)
	prompt := "create big.txt\n" + strings.Repeat("lorem ipsum ", 3<<20/12)

	resp, respBody := postMessages(t, httpServer.URL, mainRequest(false, promptMessage(prompt)))
	msg := decodeMessage(t, respBody)

	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "tool_use", msg.StopReason)
}

func TestDelayHonoursCancellation(t *testing.T) {
	server, httpServer := startTestServer(t)
	data, err := json.Marshal(mainRequest(false, promptMessage("create slow.txt [[delay seconds=30]]")))
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(t.Context())
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, httpServer.URL+"/v1/messages", strings.NewReader(string(data)))
	require.NoError(t, err)

	requestErr := make(chan error, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		requestErr <- err
	}()
	require.Eventually(t, func() bool { return server.Stats().Main == 1 }, 5*time.Second, 10*time.Millisecond)
	cancel()

	assert.ErrorIs(t, <-requestErr, context.Canceled)
	assert.Eventually(t, func() bool { return server.Stats().Errors == 1 }, 5*time.Second, 10*time.Millisecond)
}

func TestShortDelayAnswers(t *testing.T) {
	_, httpServer := startTestServer(t)

	resp, respBody := postMessages(t, httpServer.URL, mainRequest(false, promptMessage("create a.txt [[delay=0.05]]")))
	msg := decodeMessage(t, respBody)

	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "tool_use", msg.StopReason)
}

func TestConcurrentClients(t *testing.T) {
	server, httpServer := startTestServer(t)
	const clients = 16
	var wg sync.WaitGroup
	paths := make([]string, clients)
	for i := range clients {
		wg.Go(func() {
			name := "file" + strings.Repeat("x", i) + ".txt"
			data, _ := json.Marshal(mainRequest(i%2 == 0, promptMessage("create "+name)))
			resp, err := http.Post(httpServer.URL+"/v1/messages", "application/json", strings.NewReader(string(data)))
			if err != nil {
				return
			}
			defer resp.Body.Close()
			if i%2 == 0 {
				events, err := readEvents(resp.Body)
				if err == nil {
					paths[i] = writePathFromEvents(events)
				}
				return
			}
			var msg apiMessage
			if json.NewDecoder(resp.Body).Decode(&msg) == nil && len(msg.Content) == 2 {
				var input writeInput
				_ = json.Unmarshal(msg.Content[1].Input, &input)
				paths[i] = input.FilePath
			}
		})
	}
	wg.Wait()

	for i, path := range paths {
		assert.Equal(t, testWorkDir+"/file"+strings.Repeat("x", i)+".txt", path, "client %d", i)
	}
	assert.Equal(t, int64(clients), server.Stats().Main)
}

func TestStartRejectsNonLoopback(t *testing.T) {
	addrs := []string{"0.0.0.0:0", ":0", "192.168.1.10:0", "localhost:0", "example.com:80", "[::]:0", "127.0.0.1"}
	for _, addr := range addrs {
		t.Run(addr, func(t *testing.T) {
			server := New(zaptest.NewLogger(t))

			url, err := server.Start(addr)

			assert.Empty(t, url)
			assert.ErrorContains(t, err, "127.0.0.1:0")
		})
	}
}

func TestStartServesAndCloses(t *testing.T) {
	server := New(zaptest.NewLogger(t))

	url, err := server.Start("127.0.0.1:0")
	require.NoError(t, err)
	resp, err := http.Head(url + "/")
	require.NoError(t, err)
	resp.Body.Close()
	_, secondErr := server.Start("127.0.0.1:0")
	closeErr := server.Close(t.Context())
	_, afterErr := http.Head(url + "/")

	assert.Regexp(t, `^http://127\.0\.0\.1:[0-9]+$`, url)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Error(t, secondErr)
	assert.NoError(t, closeErr)
	assert.Error(t, afterErr)
	assert.NoError(t, server.Close(t.Context()))
}

func TestCloseCutsOffDelayedRequest(t *testing.T) {
	server := New(zaptest.NewLogger(t))
	url, err := server.Start("127.0.0.1:0")
	require.NoError(t, err)
	data, err := json.Marshal(mainRequest(false, promptMessage("create a.txt [[delay=30]]")))
	require.NoError(t, err)
	requestErr := make(chan error, 1)
	go func() {
		resp, err := http.Post(url+"/v1/messages", "application/json", strings.NewReader(string(data)))
		if err == nil {
			resp.Body.Close()
		}
		requestErr <- err
	}()
	require.Eventually(t, func() bool { return server.Stats().Main == 1 }, 5*time.Second, 10*time.Millisecond)

	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	closeErr := server.Close(ctx)

	assert.ErrorIs(t, closeErr, context.DeadlineExceeded)
	assert.Error(t, <-requestErr)
}
