package queue

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestBackoffDoublesToCap(t *testing.T) {
	b := Backoff{Base: 5 * time.Second, Max: 2 * time.Minute, Jitter: noJitter}
	want := []time.Duration{5, 10, 20, 40, 80, 120, 120}
	for i, seconds := range want {
		assert.Equal(t, seconds*time.Second, b.Delay(i+1), "after failure %d", i+1)
	}
	assert.Equal(t, 2*time.Minute, b.Delay(1000), "many failures do not overflow")
}

func TestBackoffJitterShortensDelay(t *testing.T) {
	b := Backoff{Base: 10 * time.Second, Max: time.Minute, Jitter: func() float64 { return 0.5 }}
	assert.Equal(t, 9*time.Second, b.Delay(1), "half the jitter takes 10% off")
	assert.Equal(t, 54*time.Second, b.Delay(10), "jitter applies below the cap")
}

func TestBackoffIgnoresJitterOutOfRange(t *testing.T) {
	b := Backoff{Base: time.Second, Jitter: func() float64 { return 7 }}
	assert.Equal(t, time.Second, b.Delay(1))
}

func TestBackoffDefaults(t *testing.T) {
	b := Backoff{Jitter: noJitter}
	assert.Equal(t, DefaultBackoffBase, b.Delay(1))
	assert.Equal(t, DefaultBackoffMax, b.Delay(20))
}

func TestBackoffValidate(t *testing.T) {
	assert.ErrorContains(t, Backoff{Base: time.Minute, Max: time.Second}.Validate(), "backoff base 1m0s and max 1s are invalid")
	assert.ErrorContains(t, Backoff{Base: -time.Second}.Validate(), "are invalid")
	assert.NoError(t, Backoff{}.Validate())
}

func TestNewRejectsBadOptions(t *testing.T) {
	_, err := New(Options{MaxAttempts: -1})
	assert.ErrorContains(t, err, "max attempts -1 is out of range")
	_, err = New(Options{Backoff: Backoff{Base: time.Hour, Max: time.Minute}})
	assert.ErrorContains(t, err, "are invalid")
}
