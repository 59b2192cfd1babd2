package screen

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// printableRunByBytes is printableRun one byte at a time, the reference.
func printableRunByBytes(p []byte) (n, runes int) {
	for ; n < len(p) && isPrintable(p[n]); n++ {
		if p[n]&0xc0 != 0x80 {
			runes++
		}
	}
	return n, runes
}

func TestPrintableRunMatchesByteScan(t *testing.T) {
	// The bytes at the edges of each class: controls, space, DEL, ASCII,
	// UTF-8 continuation and lead bytes.
	edges := []byte{0x00, 0x1b, 0x1f, 0x20, 0x21, 0x7e, 0x7f, 0x80, 0xbf, 0xc0, 0xe2, 0xff}
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 20000 {
		p := make([]byte, rng.IntN(40))
		for k := range p {
			p[k] = byte('a' + rng.IntN(26))
			if rng.IntN(8) == 0 {
				p[k] = edges[rng.IntN(len(edges))]
			}
		}
		wantN, wantRunes := printableRunByBytes(p)
		n, runes := printableRun(p)
		require.Equal(t, wantN, n, "trial %d: %q", trial, p)
		require.Equal(t, wantRunes, runes, "trial %d: %q", trial, p)
	}
}

func TestPrintableRunEachEdgeAtEachPosition(t *testing.T) {
	for _, edge := range []byte{0x00, 0x09, 0x20, 0x21, 0x7e, 0x7f, 0x80, 0xbf, 0xc0, 0xff} {
		for pos := range 17 {
			p := []byte("abcdefghijklmnopq")
			p[pos] = edge
			wantN, wantRunes := printableRunByBytes(p)
			n, runes := printableRun(p)
			require.Equal(t, wantN, n, "byte %#x at %d", edge, pos)
			require.Equal(t, wantRunes, runes, "byte %#x at %d", edge, pos)
		}
	}
}
