package e2e

import (
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/axiom-mcp/axiom-mcp/pkg/store"
)

// serverFDs returns the server's open file descriptors as "fd -> target",
// leaving out those of the state database, whose connection pool keeps a
// varying number of connections open.
func serverFDs(t *testing.T, s *server) map[string]bool {
	t.Helper()
	dir := filepath.Join("/proc", strconv.Itoa(s.cmd.Process.Pid), "fd")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	fds := make(map[string]bool, len(entries))
	for _, entry := range entries {
		target, err := os.Readlink(filepath.Join(dir, entry.Name()))
		if err != nil {
			continue // closed while the directory was read
		}
		if strings.Contains(filepath.Base(target), store.FileName) {
			continue
		}
		fds[entry.Name()+" -> "+target] = true
	}
	return fds
}

// checkFDsReleased fails unless the server's descriptors, apart from
// those of the state database, come back to baseline within a few
// seconds, and lists the ones that stayed open.
func checkFDsReleased(t *testing.T, s *server, baseline map[string]bool) {
	t.Helper()
	var extra []string
	deadline := time.Now().Add(5 * time.Second)
	for {
		extra = extra[:0]
		for fd := range serverFDs(t, s) {
			if !baseline[fd] {
				extra = append(extra, fd)
			}
		}
		if len(extra) == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	sort.Strings(extra)
	require.Empty(t, extra, "descriptors the server opened for its instances and kept after they ended")
}
