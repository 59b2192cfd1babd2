package screen

import (
	"encoding/binary"
	"math/bits"
)

// Masks for testing the eight bytes of a little-endian word at once.
const (
	lowBits  = 0x0101010101010101 // 0x01 in every byte
	highBits = 0x8080808080808080 // 0x80 in every byte
)

// printableRun returns how many leading bytes of p are printable and how
// many runes start among them: the bytes that are not UTF-8 continuation
// bytes (10xxxxxx). It tests eight bytes at a time while they are all
// printable, because agents flood their terminals with long runs of text.
func printableRun(p []byte) (n, runes int) {
	for ; n+8 <= len(p); n += 8 {
		w := binary.LittleEndian.Uint64(p[n:])
		if hasByteBelow(w, '!') || hasZeroByte(w^(0x7f*lowBits)) {
			break
		}
		runes += 8 - bits.OnesCount64(continuationBytes(w))
	}
	for ; n < len(p) && isPrintable(p[n]); n++ {
		if p[n]&0xc0 != 0x80 {
			runes++
		}
	}
	return n, runes
}

// hasZeroByte reports whether any byte of w is zero. A borrow can only
// spread from a zero byte to the bytes above it, so the result is exact for
// the word as a whole even where the flags of single bytes are not.
func hasZeroByte(w uint64) bool {
	return (w-lowBits)&^w&highBits != 0
}

// hasByteBelow reports whether any byte of w is less than limit, which must
// be at most 0x80. The reasoning of hasZeroByte applies.
func hasByteBelow(w uint64, limit byte) bool {
	return (w-uint64(limit)*lowBits)&^w&highBits != 0
}

// continuationBytes returns 0x80 in each byte of w that is a UTF-8
// continuation byte (10xxxxxx) and 0 elsewhere. Shifting w left by one moves
// each byte's bit 6 into its own bit 7.
func continuationBytes(w uint64) uint64 {
	return w &^ (w << 1) & highBits
}
