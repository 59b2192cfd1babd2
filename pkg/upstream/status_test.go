package upstream

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFromStatusResults(t *testing.T) {
	cases := []struct {
		name string
		kind Kind
	}{
		{"429", RateLimited},
		{"529", Overloaded},
		{"401-token", AuthFailed},
		{"401-api-key", AuthFailed},
		{"prompt-too-long", PromptTooLong},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			result := findRecord(t, readRecords(t, "print-"+c.name+".jsonl"), "result", "success")
			require.NotNil(t, result.APIErrorStatus)

			got, ok := FromStatus(*result.APIErrorStatus, result.Result)

			require.True(t, ok)
			assert.Equal(t, c.kind, got.Kind)
			assert.Equal(t, *result.APIErrorStatus, got.Status)
			assert.Equal(t, result.Result, got.Message)
		})
	}
}

func TestFromStatusAPIRetryRecords(t *testing.T) {
	cases := []struct {
		name string
		kind Kind
	}{
		{"429", RateLimited},
		{"529", Overloaded},
		{"401-token", AuthFailed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			retry := findRecord(t, readRecords(t, "print-"+c.name+".jsonl"), "system", "api_retry")
			require.NotNil(t, retry.ErrorStatus)

			got, ok := FromStatus(*retry.ErrorStatus, "")

			require.True(t, ok)
			assert.Equal(t, c.kind, got.Kind)
		})
	}
}

func TestFromStatusConnectionRetryHasNoStatus(t *testing.T) {
	// A refused connection gives "error_status": null, which decodes to nil
	// and reaches FromStatus as 0.
	retry := findRecord(t, readRecords(t, "print-connection-refused.jsonl"), "system", "api_retry")
	require.Nil(t, retry.ErrorStatus)

	_, ok := FromStatus(0, "")

	assert.False(t, ok)
}

func TestFromStatusCodes(t *testing.T) {
	cases := []struct {
		status  int
		message string
		kind    Kind
		ok      bool
	}{
		{403, "", AuthFailed, true},
		{413, "request_too_large", PromptTooLong, true},
		{400, "prompt is too long: 210000 tokens > 200000 maximum", PromptTooLong, true},
		{400, "messages: at least one message is required", "", false},
		{500, "Internal server error", "", false},
		{0, "", "", false},
	}
	for _, c := range cases {
		got, ok := FromStatus(c.status, c.message)

		assert.Equal(t, c.ok, ok, "status %d %q", c.status, c.message)
		assert.Equal(t, c.kind, got.Kind, "status %d %q", c.status, c.message)
	}
}

func TestFromStatusUsageLimit(t *testing.T) {
	epoch, ok := FromStatus(429, "Claude AI usage limit reached|1773169200")
	require.True(t, ok)
	clock, ok := FromStatus(429, "You've hit your limit · resets 3pm (Europe/Berlin)")
	require.True(t, ok)

	assert.Equal(t, UsageLimit, epoch.Kind)
	assert.True(t, time.Unix(1773169200, 0).Equal(epoch.ResetAt), "reset at %v", epoch.ResetAt)
	assert.Equal(t, UsageLimit, clock.Kind)
	assert.True(t, clock.ResetAt.IsZero(), "reset at %v", clock.ResetAt)
}
