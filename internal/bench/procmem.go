package bench

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// mebibyte is the unit of the memory figures.
const mebibyte = 1 << 20

// memStatus is the resident memory of a process, in bytes, as
// /proc/PID/status reports it.
type memStatus struct {
	// RSS is VmRSS, all resident memory.
	RSS int64
	// Anon is RssAnon: the heap, the stacks and other private memory.
	Anon int64
	// File is RssFile: resident pages of mapped files, mostly the binary.
	File int64
}

// readMemStatus reads the memory fields of /proc/PID/status.
func readMemStatus(pid int) (memStatus, error) {
	path := fmt.Sprintf("/proc/%d/status", pid)
	f, err := os.Open(path)
	if err != nil {
		return memStatus{}, fmt.Errorf("read the memory of pid %d: %w", pid, err)
	}
	defer f.Close()
	m, err := parseMemStatus(f)
	if err != nil {
		return memStatus{}, fmt.Errorf("parse %s: %w", path, err)
	}
	return m, nil
}

// parseMemStatus reads VmRSS, RssAnon and RssFile from the text of a
// /proc/PID/status file. VmRSS is required. RssAnon and RssFile stay 0
// when absent, as on kernels before 4.5.
func parseMemStatus(r io.Reader) (memStatus, error) {
	var m memStatus
	fields := map[string]*int64{"VmRSS": &m.RSS, "RssAnon": &m.Anon, "RssFile": &m.File}
	foundRSS := false
	scanner := bufio.NewScanner(r)
	for scanner.Scan() {
		key, value, ok := strings.Cut(scanner.Text(), ":")
		target, wanted := fields[key]
		if !ok || !wanted {
			continue
		}
		n, err := parseKilobytes(value)
		if err != nil {
			return memStatus{}, fmt.Errorf("field %s: %w", key, err)
		}
		*target = n
		foundRSS = foundRSS || key == "VmRSS"
	}
	if err := scanner.Err(); err != nil {
		return memStatus{}, err
	}
	if !foundRSS {
		return memStatus{}, fmt.Errorf("no VmRSS line: the file is not a /proc/PID/status of a live process")
	}
	return m, nil
}

// parseKilobytes turns a value such as "  12345 kB" into bytes.
func parseKilobytes(value string) (int64, error) {
	number, unit, _ := strings.Cut(strings.TrimSpace(value), " ")
	if strings.TrimSpace(unit) != "kB" {
		return 0, fmt.Errorf("value %q is not in kB", value)
	}
	n, err := strconv.ParseInt(number, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("value %q is not a count of kB", value)
	}
	return n * 1024, nil
}

// mib formats bytes in MiB with one decimal.
func mib(bytes float64) string {
	return fmt.Sprintf("%.1f MiB", bytes/mebibyte)
}
