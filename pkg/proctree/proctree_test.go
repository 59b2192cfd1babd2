package proctree

import (
	"os"
	"os/exec"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseStatCommandWithParentheses(t *testing.T) {
	line := "42 (a (b) c) S 1 42 42 0 -1 4194560 100 0 0 0 7 3 4 5 20 0 1 0 12345 1000 10 " +
		"18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n"
	proc, err := parseStat(42, []byte(line))
	require.NoError(t, err)
	assert.Equal(t, byte('S'), proc.State)
	assert.Equal(t, "a (b) c", proc.Comm)
	assert.Equal(t, 1, proc.PPID)
	assert.Equal(t, 42, proc.PGID)
	assert.Equal(t, 42, proc.SID)
	assert.Equal(t, uint64(10), proc.CPUTicks)
	assert.Equal(t, uint64(9), proc.ChildTicks)
	assert.Equal(t, uint64(12345), proc.Start)
}

func TestDescendantCPUSkipsTheLeadersOwnTime(t *testing.T) {
	table := Table{
		10: {PID: 10, PPID: 1, PGID: 10, SID: 10, State: 'S', CPUTicks: 500, ChildTicks: 7},
		11: {PID: 11, PPID: 10, PGID: 11, SID: 11, State: 'R', CPUTicks: 40, ChildTicks: 3},
		12: {PID: 12, PPID: 11, PGID: 11, SID: 11, State: 'Z', CPUTicks: 90},
		20: {PID: 20, PPID: 1, PGID: 20, SID: 20, State: 'R', CPUTicks: 1000},
	}
	assert.Equal(t, uint64(7+40+3), table.DescendantCPU(10))
}

func TestParseStatRejectsTruncatedLine(t *testing.T) {
	_, err := parseStat(1, []byte("1 (init) S 0"))
	require.Error(t, err)
}

func TestMembersFindsGroupSessionAndDescendants(t *testing.T) {
	cmd := exec.Command("sh", "-c", "sleep 30 & setsid sleep 30 & wait")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
	})

	// Wait until setsid has run: before that the child is still in the
	// shell's session.
	var setsidChild Proc
	require.Eventually(t, func() bool {
		table, err := Scan()
		require.NoError(t, err)
		members := table.Members(cmd.Process.Pid)
		setsidChild = Proc{}
		for _, proc := range members {
			if proc.SID != cmd.Process.Pid {
				setsidChild = proc
			}
		}
		return len(members) == 3 && setsidChild.PID > 0
	}, 5e9, 5e7, "expected the shell, both sleeps, and the setsid sleep in its own session")

	// Never signal pid 0: that would reach this test's own process group.
	require.Positive(t, setsidChild.PID)
	_ = syscall.Kill(setsidChild.PID, syscall.SIGKILL)
}

func TestAliveChecksStartTime(t *testing.T) {
	self, err := Read(os.Getpid())
	require.NoError(t, err)
	table := Table{self.PID: self}
	assert.True(t, table.Alive(self.Key()))
	assert.False(t, table.Alive(Key{PID: self.PID, Start: self.Start + 1}))
}
