package app

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
)

// rejection is one call of a lineCapReader's rejected function.
type rejection struct {
	size   int64
	prefix string
}

// readCapped reads src through a lineCapReader with limit and returns what
// passed and the lines rejected.
func readCapped(t *testing.T, src io.Reader, limit int) (string, []rejection) {
	t.Helper()
	var rejected []rejection
	r := newLineCapReader(src, limit, func(size int64, prefix []byte) {
		rejected = append(rejected, rejection{size: size, prefix: string(prefix)})
	})
	out, err := io.ReadAll(r)
	require.NoError(t, err)
	return string(out), rejected
}

func TestLineCapPassesShortLines(t *testing.T) {
	cases := []struct {
		name, in string
	}{
		{"several lines in one read", "{\"a\":1}\n{\"b\":2}\n{}\n"},
		{"a line exactly at the cap", strings.Repeat("x", 10) + "\n"},
		{"a final line without newline", "one\ntwo"},
		{"empty lines", "\n\none\n"},
		{"nothing", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, rejected := readCapped(t, strings.NewReader(tc.in), 10)
			assert.Equal(t, tc.in, out)
			assert.Empty(t, rejected)
		})
	}
}

func TestLineCapJoinsSplitLines(t *testing.T) {
	in := "first line\n" + strings.Repeat("y", 100) + "\nlast\n"
	out, rejected := readCapped(t, iotest.OneByteReader(strings.NewReader(in)), 100)
	assert.Equal(t, in, out)
	assert.Empty(t, rejected)

	out, rejected = readCapped(t, iotest.HalfReader(strings.NewReader(in)), 100)
	assert.Equal(t, in, out)
	assert.Empty(t, rejected)
}

func TestLineCapDropsOneByteOver(t *testing.T) {
	in := "ok\n" + strings.Repeat("z", 11) + "\nafter\n"
	for name, src := range map[string]io.Reader{
		"whole":    strings.NewReader(in),
		"one byte": iotest.OneByteReader(strings.NewReader(in)),
	} {
		t.Run(name, func(t *testing.T) {
			out, rejected := readCapped(t, src, 10)
			assert.Equal(t, "ok\nafter\n", out)
			require.Len(t, rejected, 1)
			assert.Equal(t, int64(11), rejected[0].size)
			assert.Equal(t, strings.Repeat("z", 11), rejected[0].prefix)
		})
	}
}

func TestLineCapDropsUnterminatedOversizedLine(t *testing.T) {
	out, rejected := readCapped(t, strings.NewReader("ok\n"+strings.Repeat("w", 50)), 10)
	assert.Equal(t, "ok\n", out)
	require.Len(t, rejected, 1)
	assert.Equal(t, int64(50), rejected[0].size)
}

func TestLineCapKeepsPrefixOnly(t *testing.T) {
	in := `{"id":7,"params":"` + strings.Repeat("p", 3*capPrefixKeep) + "\"}\n{}\n"
	out, rejected := readCapped(t, iotest.HalfReader(strings.NewReader(in)), 1000)
	assert.Equal(t, "{}\n", out)
	require.Len(t, rejected, 1)
	assert.Equal(t, int64(len(in)-len("\n{}\n")), rejected[0].size)
	assert.Equal(t, capPrefixKeep, len(rejected[0].prefix))
	assert.Equal(t, in[:64], rejected[0].prefix[:64])
	assert.Equal(t, `7`, string(requestID([]byte(rejected[0].prefix))))
}

// endlessLine is a reader of one line of n bytes of 'a' and a newline,
// generated as it is read, so the test keeps no copy of the line.
type endlessLine struct{ n int }

func (e *endlessLine) Read(p []byte) (int, error) {
	if e.n < 0 {
		return 0, io.EOF
	}
	if e.n == 0 {
		p[0] = '\n'
		e.n = -1
		return 1, nil
	}
	k := min(len(p), e.n)
	for i := range k {
		p[i] = 'a'
	}
	e.n -= k
	return k, nil
}

func TestLineCapMemoryBounded(t *testing.T) {
	const limit, lineSize = 1 << 20, 256 << 20
	r := newLineCapReader(&endlessLine{n: lineSize}, limit, func(int64, []byte) {})
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	n, err := io.Copy(io.Discard, r)
	runtime.ReadMemStats(&after)
	require.NoError(t, err)
	assert.Zero(t, n)
	allocated := after.TotalAlloc - before.TotalAlloc
	assert.Less(t, allocated, uint64(8*limit), "a %d MiB line under a %d MiB cap allocated %d bytes",
		lineSize>>20, limit>>20, allocated)
}

func TestRequestIDFromPrefix(t *testing.T) {
	cases := []struct {
		prefix, want string
	}{
		{`{"jsonrpc":"2.0","id":42,"method":"tools/call","params":{"x":"abc`, `42`},
		{`{"id":"req-1","params":{`, `"req-1"`},
		{`{"method":"tools/call","id":-3,"params":`, `-3`},
		{`{"params":{"id":5,"x":"abc`, `null`},
		{`{"id":null,"method":"x"`, `null`},
		{`{"id":{"a":1},"method":"x"`, `null`},
		{`{"method":"tools/call","params":{"prompt":"abcdef`, `null`},
		{`[1,2`, `null`},
		{`not json`, `null`},
		{``, `null`},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, string(requestID([]byte(tc.prefix))), "prefix %s", tc.prefix)
	}
}

func TestCapStdioRejectsOversizedLine(t *testing.T) {
	var out bytes.Buffer
	big := `{"jsonrpc":"2.0","id":9,"method":"ping","params":{"pad":"` + strings.Repeat("q", 100) + `"}}`
	in := big + "\n" + `{"jsonrpc":"2.0","id":10,"method":"ping"}` + "\n"
	reader, writer := capStdio(strings.NewReader(in), &out, 64, zap.NewNop())
	passed, err := io.ReadAll(reader)
	require.NoError(t, err)
	assert.Equal(t, `{"jsonrpc":"2.0","id":10,"method":"ping"}`+"\n", string(passed))

	var resp oversizeResponse
	require.NoError(t, json.Unmarshal(out.Bytes(), &resp))
	assert.Equal(t, "9", string(resp.ID))
	assert.Equal(t, invalidRequest, resp.Error.Code)
	assert.Contains(t, resp.Error.Message, fmt.Sprintf("message of %d bytes is over the cap of 64 bytes", len(big)))
	assert.Contains(t, resp.Error.Message, "--max-message-size")
	assert.Equal(t, oversizeData{Size: int64(len(big)), Limit: 64}, resp.Error.Data)

	_, err = writer.Write([]byte("x\n"))
	require.NoError(t, err)
	assert.True(t, strings.HasSuffix(out.String(), "}\nx\n"), "the error is one line: %q", out.String())
}
