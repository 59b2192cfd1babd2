package executor

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestTranscriptKeepsTail(t *testing.T) {
	tr := newTranscript(8)
	_, _ = tr.Write([]byte("abc"))
	assert.Equal(t, "abc", string(tr.Bytes()))
	_, _ = tr.Write([]byte("defgh"))
	assert.Equal(t, "abcdefgh", string(tr.Bytes()))
	_, _ = tr.Write([]byte("ij"))
	assert.Equal(t, "cdefghij", string(tr.Bytes()))
	_, _ = tr.Write([]byte("klmnopqrstu"))
	assert.Equal(t, "nopqrstu", string(tr.Bytes()))
	_, _ = tr.Write([]byte("v"))
	assert.Equal(t, "opqrstuv", string(tr.Bytes()))
	assert.Equal(t, int64(22), tr.Total())
}

func TestTranscriptManySmallWrites(t *testing.T) {
	tr := newTranscript(1000)
	var all bytes.Buffer
	for i := 0; i < 5000; i++ {
		chunk := []byte{byte('a' + i%26), byte('A' + i%7)}
		all.Write(chunk)
		_, _ = tr.Write(chunk)
	}
	want := all.Bytes()[all.Len()-1000:]
	assert.Equal(t, string(want), string(tr.Bytes()))
}

func TestTranscriptShrinkKeepsBytes(t *testing.T) {
	tr := newTranscript(1024)
	_, _ = tr.Write([]byte("abc"))
	tr.shrink()
	assert.Equal(t, "abc", string(tr.Bytes()))
	assert.Equal(t, 3, cap(tr.buf))
	assert.Equal(t, int64(3), tr.Total())
	data, start, _, _ := tr.readRange(1, 10)
	assert.Equal(t, "bc", string(data))
	assert.Equal(t, int64(1), start)
}

func TestTranscriptShrinkWrappedRing(t *testing.T) {
	tr := newTranscript(8)
	_, _ = tr.Write([]byte("abcdefghijk"))
	_, _ = tr.Write([]byte("lm"))
	tr.shrink()
	assert.Equal(t, "fghijklm", string(tr.Bytes()))
	_, _ = tr.Write([]byte("n"))
	assert.Equal(t, "ghijklmn", string(tr.Bytes()), "a later write drops the oldest byte")
}

func TestTranscriptShrinkEmpty(t *testing.T) {
	tr := newTranscript(1024)
	tr.shrink()
	_, _ = tr.Write([]byte("x"))
	assert.Empty(t, tr.Bytes())
	assert.Equal(t, int64(1), tr.Total())
}
