package executor

import (
	"fmt"
	"os"
	"strconv"
)

// agentOOMScoreAdj is the oom_score_adj every agent gets, on the kernel's
// scale from -1000 (never killed) to 1000 (killed first). When the machine
// runs out of memory the kernel's OOM killer then picks an agent, whose
// task the pool retries, before the server that runs them all. Any process
// may raise the value of its own children, so this needs no privilege.
const agentOOMScoreAdj = 500

// raiseOOMScore sets the oom_score_adj of pid to agentOOMScoreAdj. Children
// the agent forks afterwards inherit it. One it forked before, in the
// moments between its exec and this write, keeps the server's value.
func raiseOOMScore(pid int) error {
	path := "/proc/" + strconv.Itoa(pid) + "/oom_score_adj"
	if err := os.WriteFile(path, []byte(strconv.Itoa(agentOOMScoreAdj)), 0); err != nil {
		return fmt.Errorf("set the OOM score of agent pid %d: %w", pid, err)
	}
	return nil
}
