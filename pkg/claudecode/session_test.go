package claudecode

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNewSessionIDIsVersion4UUID(t *testing.T) {
	pattern := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	seen := make(map[string]bool)
	for range 1000 {
		id := NewSessionID()
		assert.Regexp(t, pattern, id)
		assert.False(t, seen[id], "repeated ID %s", id)
		seen[id] = true
	}
}
