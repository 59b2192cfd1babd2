package executor

import (
	"os"
	"time"

	"go.uber.org/zap"
)

// screenMaxPending caps the raw output queued for the screen emulator. The
// emulator renders a few MB/s, so a flooding agent keeps this queue full.
// During a flood the renderer keeps only the newest screenful, about 10 KB,
// so 256 KiB is far more than one 40-row screen needs to show its latest
// state.
const screenMaxPending = 256 << 10

// diskQueueBytes caps the output waiting for the transcript files of one
// instance: room for four batches of diskBatchBytes. A disk slower than
// the agent loses output beyond it, and the loss is counted.
const diskQueueBytes = 2 << 20

// openDiskTranscript creates the transcript files. A failure is logged and
// leaves the instance without files, because a full or read-only disk should
// not stop the agent.
func (i *Instance) openDiskTranscript() {
	if i.cfg.TranscriptDir == "" {
		return
	}
	disk, err := newDiskTranscript(i.cfg.TranscriptDir, i.cfg.TranscriptMax, diskQueueBytes, i.log)
	if err != nil {
		i.log.Error("transcript files not written", zap.Error(err))
		return
	}
	i.disk = disk
}

// transcriptFiles returns the paths of the raw and the text transcript
// files, or empty strings when the instance has none.
func (i *Instance) transcriptFiles() (raw, text string) {
	if i.disk == nil {
		return "", ""
	}
	return i.disk.rawPath, i.disk.textPath
}

func (i *Instance) diskDropped() int64 {
	if i.disk == nil {
		return 0
	}
	return i.disk.Dropped()
}

// recordProcess reads the agent's start time and writes process.json to the
// transcript directory. Failures are logged, because only a later recovery
// needs them.
func (i *Instance) recordProcess(now time.Time) {
	start, err := processStart(i.pid)
	if err != nil {
		i.log.Warn("agent start time unknown", zap.Error(err))
		return
	}
	i.pidStart = start
	if i.disk == nil {
		return
	}
	rec := processRecord{PID: i.pid, Start: start, ServerPID: os.Getpid(), InstanceID: i.id, TaskID: i.taskID,
		Workspace: i.workspace, StartedAt: now}
	if err := writeProcessRecord(i.cfg.TranscriptDir, rec); err != nil {
		i.log.Warn("agent process record not written", zap.Error(err))
	}
}
