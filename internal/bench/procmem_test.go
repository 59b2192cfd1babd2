package bench

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// statusSample is an excerpt of /proc/PID/status on Linux 6.
const statusSample = `Name:	axiom-mcp
VmPeak:	 1262364 kB
VmHWM:	   40960 kB
VmRSS:	   38400 kB
RssAnon:	   23552 kB
RssFile:	   14848 kB
RssShmem:	       0 kB
Threads:	12
`

func parseFile(t *testing.T, text string) (memStatus, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "status")
	require.NoError(t, os.WriteFile(path, []byte(text), 0o600))
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	return parseMemStatus(f)
}

func TestParseMemStatusReadsRSSFields(t *testing.T) {
	m, err := parseFile(t, statusSample)
	require.NoError(t, err)
	assert.Equal(t, int64(38400*1024), m.RSS)
	assert.Equal(t, int64(23552*1024), m.Anon)
	assert.Equal(t, int64(14848*1024), m.File)
}

func TestParseMemStatusWithoutVmRSS(t *testing.T) {
	_, err := parseFile(t, "Name:\tzombie\nState:\tZ (zombie)\n")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no VmRSS line")
}

func TestParseMemStatusRejectsOtherUnit(t *testing.T) {
	_, err := parseFile(t, "VmRSS:\t38 MB\n")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"\t38 MB" is not in kB`)
}

func TestReadMemStatusOfThisProcess(t *testing.T) {
	m, err := readMemStatus(os.Getpid())
	require.NoError(t, err)
	assert.Positive(t, m.RSS)
	assert.GreaterOrEqual(t, m.RSS, m.Anon)
}

func TestReadMemStatusOfMissingPid(t *testing.T) {
	_, err := readMemStatus(-1)
	assert.ErrorContains(t, err, "read the memory of pid -1")
}
