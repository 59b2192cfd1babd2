package upstream

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fixtureNow is the current time for tests that resolve no reset time.
var fixtureNow = time.Date(2026, 3, 10, 14, 20, 0, 0, time.UTC)

// recorded is what Classify should return for a failure that Claude Code
// 2.1.197 printed against the scripted model server.
type recorded struct {
	name       string
	kind       Kind
	status     int
	retryAfter time.Duration
	message    string
}

var printed = []recorded{
	{name: "429", kind: RateLimited, status: 429,
		message: "API Error: Request rejected (429) · Number of requests has exceeded your rate limit (scripted error)."},
	{name: "529", kind: Overloaded, status: 529},
	{name: "401-token", kind: AuthFailed, message: "Not logged in · Please run /login"},
	{name: "401-api-key", kind: AuthFailed, message: "Invalid API key · Fix external API key"},
	{name: "prompt-too-long", kind: PromptTooLong},
	{name: "connection-refused", kind: Connection, message: "API Error: Unable to connect to API (ConnectionRefused)"},
}

func TestClassifyStreamJSONResults(t *testing.T) {
	for _, want := range printed {
		t.Run(want.name, func(t *testing.T) {
			result := findRecord(t, readRecords(t, "print-"+want.name+".jsonl"), "result", "success")

			got, ok := Classify(result.Result, fixtureNow)

			require.True(t, ok, "result %q", result.Result)
			assertRecorded(t, want, got)
			assert.Equal(t, result.Result, got.Message)
		})
	}
}

func TestClassifyStreamJSONAssistantText(t *testing.T) {
	for _, want := range printed {
		t.Run(want.name, func(t *testing.T) {
			assistant := findRecord(t, readRecords(t, "print-"+want.name+".jsonl"), "assistant", "")

			got, ok := Classify(assistant.text(), fixtureNow)

			require.True(t, ok, "text %q", assistant.text())
			assertRecorded(t, want, got)
		})
	}
}

func TestClassifyTranscriptRecords(t *testing.T) {
	for _, want := range printed {
		if want.name == "401-api-key" {
			continue // only recorded in print mode
		}
		t.Run(want.name, func(t *testing.T) {
			records := readRecords(t, "transcript-"+want.name+".jsonl")
			require.Len(t, records, 1)

			got, ok := Classify(records[0].text(), fixtureNow)

			require.True(t, ok, "text %q", records[0].text())
			assertRecorded(t, want, got)
		})
	}
}

func TestClassifyScreens(t *testing.T) {
	screens := []recorded{
		{name: "429", kind: RateLimited, status: 429,
			message: "API Error: Request rejected (429) · Number of requests has exceeded your rate limit (scripted error)."},
		{name: "529", kind: Overloaded, status: 529,
			message: "API Error: 529 Overloaded (scripted error). This is a server-side issue, usually temporary — try again in a"},
		{name: "529-repeated", kind: Overloaded, status: 529,
			message: "API Error: Repeated 529 Overloaded errors. The API is at capacity — this is usually temporary. Try again in a"},
		{name: "401-token", kind: AuthFailed, message: "Not logged in · Please run /login"},
		{name: "prompt-too-long", kind: PromptTooLong},
		{name: "connection-refused", kind: Connection, message: "API Error: Unable to connect to API (ConnectionRefused)"},
		{name: "retry-429", kind: RateLimited, status: 429, retryAfter: 3 * time.Second,
			message: "429 Number of requests has exceeded your rate limit (scripted error). · Retrying in 3s · attempt 3/3"},
		{name: "retry-connection-refused", kind: Connection, retryAfter: time.Second,
			message: "Unable to connect to API (ConnectionRefused) · Retrying in 1s · attempt 1/2"},
	}
	for _, want := range screens {
		t.Run(want.name, func(t *testing.T) {
			got, ok := Classify(readFixture(t, "screen-"+want.name+".txt"), fixtureNow)

			require.True(t, ok)
			assertRecorded(t, want, got)
		})
	}
}

func TestClassifyRetryLineWithoutStatus(t *testing.T) {
	// Claude Code 2.1.197 showed an HTTP status on the retry line only from
	// the third attempt on. Earlier attempts show "API error · Retrying in
	// 1s · attempt 1/4", which names no kind.
	_, ok := Classify(readFixture(t, "screen-retry-529.txt"), fixtureNow)

	assert.False(t, ok)
}

func TestClassifyPublishedAuthTexts(t *testing.T) {
	cases := []struct {
		text   string
		status int
	}{
		{`API Error: 401 {"type":"error","error":{"type":"authentication_error","message":"OAuth token has expired. ` +
			`Please obtain a new token or refresh your existing token."},"request_id":"req_0a1b2c"} · Please run /login`, 401},
		{"Invalid API key · Please run /login", 0},
		{`API Error: 403 {"type":"error","error":{"type":"permission_error","message":"not allowed"}}`, 403},
	}
	for _, c := range cases {
		got, ok := Classify(c.text, fixtureNow)

		require.True(t, ok, c.text)
		assert.Equal(t, AuthFailed, got.Kind, c.text)
		assert.Equal(t, c.status, got.Status, c.text)
	}
}

func TestClassifyIgnoresOrdinaryText(t *testing.T) {
	texts := []string{
		"",
		"● Done: wrote hello.txt.",
		"✻ Baked for 12s",
		"/login to switch to an API usage-billed account.",
		"API Error: 500 Internal server error",
		"The rate limit of this service is documented in README.md.",
	}
	for _, text := range texts {
		_, ok := Classify(text, fixtureNow)

		assert.False(t, ok, text)
	}
}

func TestClassifyLastLineWins(t *testing.T) {
	text := "● API Error: Request rejected (429) · slow down\n\n● API Error: 529 Overloaded"

	got, ok := Classify(text, fixtureNow)

	require.True(t, ok)
	assert.Equal(t, Overloaded, got.Kind)
}

func TestClassifyStatusOnlyLine(t *testing.T) {
	got, ok := Classify("✻ 529 Service busy · Retrying in 2s · attempt 3/5", fixtureNow)

	require.True(t, ok)
	assert.Equal(t, Overloaded, got.Kind)
	assert.Equal(t, 529, got.Status)
	assert.Equal(t, 2*time.Second, got.RetryAfter)
}

func TestErrorFormatsKindStatusMessage(t *testing.T) {
	withStatus := Error{Kind: RateLimited, Status: 429, Message: "slow down"}
	withoutStatus := Error{Kind: Connection, Message: "Unable to connect to API"}

	assert.Equal(t, "upstream rate_limited (status 429): slow down", withStatus.Error())
	assert.Equal(t, "upstream connection: Unable to connect to API", withoutStatus.Error())
}

func assertRecorded(t *testing.T, want recorded, got Error) {
	t.Helper()
	assert.Equal(t, want.kind, got.Kind, "kind")
	assert.Equal(t, want.status, got.Status, "status")
	assert.Equal(t, want.retryAfter, got.RetryAfter, "retry after")
	assert.True(t, got.ResetAt.IsZero(), "reset time %v", got.ResetAt)
	if want.message != "" {
		assert.Equal(t, want.message, got.Message, "message")
	}
}
