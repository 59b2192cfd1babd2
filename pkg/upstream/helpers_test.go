package upstream

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// record is the part of a stream-json or transcript line that the tests
// read.
type record struct {
	Type           string `json:"type"`
	Subtype        string `json:"subtype"`
	Result         string `json:"result"`
	APIErrorStatus *int   `json:"api_error_status"`
	ErrorStatus    *int   `json:"error_status"`
	Message        struct {
		Content []struct {
			Text string `json:"text"`
		} `json:"content"`
	} `json:"message"`
}

// text returns the first text block of an assistant record.
func (r record) text() string {
	if len(r.Message.Content) == 0 {
		return ""
	}
	return r.Message.Content[0].Text
}

// readRecords parses the JSON lines of a testdata file.
func readRecords(t *testing.T, name string) []record {
	t.Helper()
	var records []record
	for _, line := range strings.Split(readFixture(t, name), "\n") {
		if line == "" {
			continue
		}
		var r record
		require.NoError(t, json.Unmarshal([]byte(line), &r), "line of %s", name)
		records = append(records, r)
	}
	return records
}

// findRecord returns the first record of the type and subtype in records.
func findRecord(t *testing.T, records []record, typ, subtype string) record {
	t.Helper()
	for _, r := range records {
		if r.Type == typ && r.Subtype == subtype {
			return r
		}
	}
	require.FailNow(t, "record not found", "type %q subtype %q", typ, subtype)
	return record{}
}

func readFixture(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return string(data)
}
