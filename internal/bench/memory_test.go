package bench

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestLeastSquaresSlopeOfLine(t *testing.T) {
	assert.InDelta(t, 2.0, leastSquaresSlope([]float64{1, 5, 10}, []float64{5, 13, 23}), 1e-9)
}

func TestLeastSquaresSlopeOfScatter(t *testing.T) {
	// Around the means 16/3 and 6, the sum of products is 40 and the sum
	// of squares of x is 122/3, so the slope is 60/61.
	assert.InDelta(t, 60.0/61, leastSquaresSlope([]float64{1, 5, 10}, []float64{1, 7, 10}), 1e-9)
}

func TestLeastSquaresSlopeWithoutSpread(t *testing.T) {
	assert.Zero(t, leastSquaresSlope([]float64{5, 5}, []float64{1, 9}))
	assert.Zero(t, leastSquaresSlope(nil, nil))
}

// readingsMiB builds readings at 0, 1, 5 and 10 instances from RSS values
// in MiB.
func readingsMiB(rss ...float64) []memReading {
	counts := []int{0, 1, 5, 10}
	readings := make([]memReading, len(rss))
	for i, v := range rss {
		readings[i] = memReading{instances: counts[i], mem: memStatus{RSS: int64(v * mebibyte)}}
	}
	return readings
}

func TestMemoryResultMet(t *testing.T) {
	res := memoryResult(readingsMiB(20, 22, 26, 31), time.Second)
	assert.True(t, res.Met)
	assert.Equal(t, "1.55", res.Ratio, "RSS with 10 instances over RSS with none")
	assert.Contains(t, res.Figure, "RSS 31.0 MiB with 10 idle instances, growth 1.0 MiB per instance")
	assert.False(t, strings.HasPrefix(res.Note, "Target missed"), res.Note)
}

func TestMemoryResultMissedOnGrowth(t *testing.T) {
	res := memoryResult(readingsMiB(20, 25, 45, 70), time.Second)
	assert.False(t, res.Met, "growth of 5 MiB per instance is over the target")
	assert.True(t, strings.HasPrefix(res.Note, "Target missed"), res.Note)
}

func TestMemoryResultMissedOnTotal(t *testing.T) {
	res := memoryResult(readingsMiB(95, 96, 98, 101), time.Second)
	assert.False(t, res.Met, "101 MiB with 10 instances is over the target")
}
