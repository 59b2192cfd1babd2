package mockmodel

import (
	"crypto/rand"
	"encoding/hex"
)

// newID returns prefix followed by 24 random hex digits, such as
// "toolu_3f9a…" or "msg_…".
func newID(prefix string) string {
	var b [12]byte
	// crypto/rand.Read never returns an error since Go 1.24.
	_, _ = rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}
