package upstream

import (
	"testing"
	"time"
	_ "time/tzdata" // the tests must not depend on the machine's zone files

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestClassifyUsageLimitResetTimes(t *testing.T) {
	// 14:20 UTC is 15:20 in Berlin (CET), 10:20 in New York (EDT since
	// March 8), 23:20 in Tokyo and Seoul, and 19:50 in Kolkata.
	now := time.Date(2026, 3, 10, 14, 20, 0, 0, time.UTC)
	utc := func(month time.Month, day, hour, minute int) time.Time {
		return time.Date(2026, month, day, hour, minute, 0, 0, time.UTC)
	}
	cases := []struct {
		text string
		want time.Time
	}{
		{"Claude AI usage limit reached|1773169200", utc(3, 10, 19, 0)},
		{"You've hit your limit · resets 3pm (Europe/Berlin)", utc(3, 11, 14, 0)},
		{"You've hit your limit · resets 4pm (Europe/Berlin)", utc(3, 10, 15, 0)},
		{"You've hit your session limit · resets 4:30pm (America/New_York)", utc(3, 10, 20, 30)},
		{"You’ve hit your limit · resets 8:15am", utc(3, 11, 8, 15)},
		{"You've hit your weekly limit · resets Apr 4 at 6pm", utc(4, 4, 18, 0)},
		{"You've hit your weekly limit · resets Mar 2, 9am (UTC)", time.Date(2027, 3, 2, 9, 0, 0, 0, time.UTC)},
		{"5-hour limit reached ∙ resets 11pm", utc(3, 10, 23, 0)},
		{"Claude usage limit reached. Your limit will reset at 2 PM (Asia/Tokyo).", utc(3, 11, 5, 0)},
		{"Weekly limit reached · resets 10am (Asia/Seoul) · /upgrade to Max or turn on /extra-usage", utc(3, 11, 1, 0)},
		{"You're out of extra usage · resets 17:40 (UTC)", utc(3, 10, 17, 40)},
		{"You've hit your limit · resets 12am (UTC)", utc(3, 11, 0, 0)},
		{"You've hit your limit · resets 12pm (UTC)", utc(3, 11, 12, 0)},
	}
	for _, c := range cases {
		got, ok := Classify(c.text, now)

		require.True(t, ok, c.text)
		assert.Equal(t, UsageLimit, got.Kind, c.text)
		assert.True(t, c.want.Equal(got.ResetAt), "%s: reset at %v, want %v", c.text, got.ResetAt, c.want)
	}
}

func TestClassifyUsageLimitWrappedOnScreen(t *testing.T) {
	now := time.Date(2026, 3, 10, 14, 20, 0, 0, time.UTC)
	screen := "❯ continue\n" +
		"  ⎿  You've hit your weekly limit · resets Jan 30,\n" +
		"     11:30am (Asia/Kolkata)\n" +
		"     /login to switch to an API usage-billed account.\n" +
		"\n" +
		"✻ Cogitated for 0s\n"

	got, ok := Classify(screen, now)

	require.True(t, ok)
	assert.Equal(t, UsageLimit, got.Kind)
	assert.Equal(t, "You've hit your weekly limit · resets Jan 30,", got.Message)
	assert.True(t, time.Date(2027, 1, 30, 6, 0, 0, 0, time.UTC).Equal(got.ResetAt), "reset at %v", got.ResetAt)
}

func TestClassifyUsageLimitWithoutResetTime(t *testing.T) {
	texts := []string{
		"You've hit your limit · resets 3pm (Mars/Olympus)",
		"You've hit your weekly limit · resets in 6d",
		"You've hit your limit · resets 13pm",
		"You've hit your limit · resets 10:75",
		"Claude usage limit reached.",
	}
	for _, text := range texts {
		got, ok := Classify(text, fixtureNow)

		require.True(t, ok, text)
		assert.Equal(t, UsageLimit, got.Kind, text)
		assert.True(t, got.ResetAt.IsZero(), "%s: reset at %v", text, got.ResetAt)
	}
}

func TestClassifyUsageLimitBeforeRateLimit(t *testing.T) {
	text := `API Error: 429 {"type":"error","error":{"type":"rate_limit_error","message":"x"}} ` +
		"Claude AI usage limit reached|1773169200"

	got, ok := Classify(text, fixtureNow)

	require.True(t, ok)
	assert.Equal(t, UsageLimit, got.Kind)
	assert.Equal(t, 429, got.Status)
}
