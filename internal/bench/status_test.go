package bench

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// latenciesOf returns 100 status and ping samples where one sample in a
// hundred is slow, so p99 is the fast value and the maximum the slow one.
func latenciesOf(statusFast, pingFast time.Duration) latencies {
	var lat latencies
	for i := range 100 {
		status, ping := statusFast, pingFast
		if i == 0 {
			status, ping = time.Second, time.Second
		}
		lat.status = append(lat.status, status)
		lat.ping = append(lat.ping, ping)
	}
	return lat
}

func TestStatusResultMet(t *testing.T) {
	res := statusResult(latenciesOf(20*time.Millisecond, 2*time.Millisecond))
	assert.True(t, res.Met)
	assert.Equal(t, "10.0", res.Ratio, "status p99 over ping p99")
	assert.Contains(t, res.Figure, "p99 20.0 ms")
}

func TestStatusResultMissedAtTarget(t *testing.T) {
	res := statusResult(latenciesOf(100*time.Millisecond, time.Millisecond))
	assert.False(t, res.Met, "a p99 of exactly 100 ms is not under the target")
	assert.True(t, strings.HasPrefix(res.Note, "Target missed"), res.Note)
}
