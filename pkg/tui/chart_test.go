package tui

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestBarFillsByScore(t *testing.T) {
	cases := []struct {
		score, width int
		want         string
	}{
		{0, 10, "░░░░░░░░░░"},
		{50, 10, "█████░░░░░"},
		{100, 10, "██████████"},
		{44, 10, "████░░░░░░"},
		{150, 4, "████"},
		{-3, 4, "░░░░"},
		{70, 0, ""},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, Bar(c.score, c.width), "score %d width %d", c.score, c.width)
	}
}

func TestSparklineScalesAndPads(t *testing.T) {
	cases := []struct {
		name   string
		values []int
		width  int
		want   string
	}{
		{"empty", nil, 4, "    "},
		{"rising", []int{0, 25, 50, 75, 100}, 5, "▁▃▅▆█"},
		{"padded left", []int{100, 0}, 4, "  █▁"},
		{"keeps newest", []int{0, 0, 0, 100, 100}, 2, "██"},
		{"clamped", []int{-10, 200}, 2, "▁█"},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, Sparkline(c.values, c.width), c.name)
	}
}
