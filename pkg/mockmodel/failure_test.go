package mockmodel

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestScriptedErrors(t *testing.T) {
	cases := []struct {
		directive  string
		status     int
		errorType  string
		message    string
		retryAfter string
	}{
		{directive: "[[error status=429]]", status: 429, errorType: "rate_limit_error",
			message: "Number of requests has exceeded your rate limit (scripted error).", retryAfter: "1"},
		{directive: "[[error status=529]]", status: 529, errorType: "overloaded_error", message: "Overloaded (scripted error)."},
		{directive: "[[error status=401]]", status: 401, errorType: "authentication_error", message: "invalid x-api-key (scripted error)"},
		{directive: "[[error kind=prompt_too_long]]", status: 400, errorType: "invalid_request_error",
			message: "prompt is too long: 210000 tokens > 200000 maximum"},
		{directive: "[[error kind=overloaded]]", status: 529, errorType: "overloaded_error", message: "Overloaded (scripted error)."},
	}
	_, httpServer := startTestServer(t)
	for _, tc := range cases {
		for _, stream := range []bool{false, true} {
			name := tc.directive
			if stream {
				name += " stream"
			}
			t.Run(name, func(t *testing.T) {
				resp, body := postMessages(t, httpServer.URL, mainRequest(stream, promptMessage("create a.txt "+tc.directive)))
				var errBody apiErrorBody
				require.NoError(t, json.Unmarshal(body, &errBody), "body: %s", body)

				assert.Equal(t, tc.status, resp.StatusCode)
				assert.Equal(t, "application/json", resp.Header.Get("content-type"))
				assert.Equal(t, tc.retryAfter, resp.Header.Get("retry-after"))
				assert.Equal(t, "error", errBody.Type)
				assert.Equal(t, tc.errorType, errBody.Error.Type)
				assert.Equal(t, tc.message, errBody.Error.Message)
			})
		}
	}
}

func TestScriptedErrorEveryRequest(t *testing.T) {
	server, httpServer := startTestServer(t)
	body := mainRequest(false, promptMessage("create a.txt [[error status=529]]"))

	first, _ := postMessages(t, httpServer.URL, body)
	second, _ := postMessages(t, httpServer.URL, body)
	third, _ := postMessages(t, httpServer.URL, body)

	assert.Equal(t, 529, first.StatusCode)
	assert.Equal(t, 529, second.StatusCode)
	assert.Equal(t, 529, third.StatusCode)
	assert.Equal(t, int64(3), server.Stats().Errors)
}

func TestScriptedErrorTimesThenScript(t *testing.T) {
	server, httpServer := startTestServer(t)
	prompt := "[[error status=529 times=2]] [[bash=ls]]"
	body := mainRequest(false, promptMessage(prompt))

	first, _ := postMessages(t, httpServer.URL, body)
	second, _ := postMessages(t, httpServer.URL, body)
	run := runScript(t, httpServer.URL, prompt, printModeTools, fakeResult)
	entries := server.Requests()
	require.Len(t, entries, 4)

	assert.Equal(t, 529, first.StatusCode)
	assert.Equal(t, 529, second.StatusCode)
	assert.Len(t, run.calls, 1)
	assert.Equal(t, "Done: ran `ls`.", run.finalText)
	assert.Equal(t, RequestLog{SessionID: "0b6c2f0e-test", Kind: "main", Status: 529, Decision: "error 529 overloaded_error",
		Prompt: prompt}, entries[0])
	assert.Equal(t, http.StatusOK, entries[2].Status)
}

func TestScriptedErrorCountIgnoresAppendedText(t *testing.T) {
	_, httpServer := startTestServer(t)
	prompt := "create a.txt [[error status=529 times=1]]"

	first, _ := postMessages(t, httpServer.URL, mainRequest(false, promptMessage(prompt)))
	retried, _ := postMessages(t, httpServer.URL, mainRequest(false,
		promptMessage(prompt+"\n\nThis is attempt 2 of 3. The previous attempt was killed.")))

	assert.Equal(t, 529, first.StatusCode)
	assert.Equal(t, http.StatusOK, retried.StatusCode, "a note after the directives keeps the count")
}

func TestScriptedErrorThenStall(t *testing.T) {
	server, httpServer := startTestServer(t)
	prompt := "[[error status=429 times=1]] [[stall times=2]] create a.txt"

	first, _ := postMessages(t, httpServer.URL, mainRequest(true, promptMessage(prompt)))
	stalled := stallThenCancel(t, httpServer.URL, prompt)
	_, body := postGuarded(t, httpServer.URL, mainRequest(false, promptMessage(prompt)))
	msg := decodeMessage(t, body)
	decisions := make([]string, 0, 3)
	for _, entry := range server.Requests() {
		decisions = append(decisions, entry.Decision)
	}

	assert.Equal(t, http.StatusTooManyRequests, first.StatusCode)
	assert.Equal(t, "content_block_delta", stalled[2].name)
	assert.Equal(t, "tool_use", msg.StopReason)
	assert.Equal(t, []string{"error 429 rate_limit_error", "stall", "step 1 of 1: Write: create a.txt"}, decisions)
}

func TestSideRequestIgnoresError(t *testing.T) {
	_, httpServer := startTestServer(t)
	body := map[string]any{"messages": []any{map[string]any{"role": "user", "content": "create a.txt [[error status=529]]"}}}

	resp, _ := postMessages(t, httpServer.URL, body)

	assert.Equal(t, http.StatusOK, resp.StatusCode)
}

func TestScriptedErrorAfterFirstRequests(t *testing.T) {
	_, httpServer := startTestServer(t)
	body := mainRequest(false, promptMessage("create a.txt [[error status=401 after=2 times=1]]"))

	var statuses []int
	for range 4 {
		resp, _ := postMessages(t, httpServer.URL, body)
		statuses = append(statuses, resp.StatusCode)
	}

	assert.Equal(t, []int{200, 200, 401, 200}, statuses)
}

func TestScriptedErrorAfterWithoutTimes(t *testing.T) {
	_, httpServer := startTestServer(t)
	body := mainRequest(false, promptMessage("create a.txt [[error status=401 after=1]]"))

	var statuses []int
	for range 3 {
		resp, _ := postMessages(t, httpServer.URL, body)
		statuses = append(statuses, resp.StatusCode)
	}

	assert.Equal(t, []int{200, 401, 401}, statuses)
}
