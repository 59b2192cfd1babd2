package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// step is one planned directive, ready to run.
type step func() error

// directives maps each directive name to a function that checks its
// argument and returns its step. hasArg reports whether the directive was
// written with a colon.
var directives = map[string]func(arg string, hasArg bool) (step, error){
	"productive":        planProductive,
	"silent":            planSilent,
	"silent-once":       planSilentOnce,
	"upstream-once":     planUpstreamOnce,
	"upstream-loop":     planUpstreamLoop,
	"chatty":            planChatty,
	"repeat":            planRepeat,
	"exit":              planExit,
	"ignore-term":       planIgnoreTerm,
	"ignore-hup":        planIgnoreHUP,
	"background-child":  planBackgroundChild,
	"session-child":     planSessionChild,
	"sleep":             planSleep,
	"flood":             planFlood,
	"print":             planPrint,
	"say":               planSay,
	"timestamp":         planTimestamp,
	"echo-input":        planEchoInput,
	"stty":              planStty,
	"tui":               planTUI,
	"tui-dialog":        planTUIDialog,
	"tui-ask":           planTUIAsk,
	"tui-swallow-enter": planTUISwallowEnter,
	"tui-fold-enter":    planTUIFoldEnter,
	"tui-ignore-exit":   planTUIIgnoreExit,
	"tui-slow-submit":   planTUISlowSubmit,
	"tui-flip":          planTUIFlip,
}

const (
	defaultProductiveFiles = 5
	productiveInterval     = 200 * time.Millisecond
	chattyInterval         = 100 * time.Millisecond
	floodWriteSize         = 64 << 10
	attemptMarker          = ".testagent-attempt"
)

// planProductive writes file-1.txt to file-N.txt, one every 200 ms, with a
// progress line each, then prints "done".
func planProductive(arg string, hasArg bool) (step, error) {
	files, err := countArg(arg, hasArg, defaultProductiveFiles)
	if err != nil {
		return nil, err
	}
	return func() error { return produceFiles(files) }, nil
}

func produceFiles(files int) error {
	for k := 1; k <= files; k++ {
		time.Sleep(productiveInterval)
		name := fmt.Sprintf("file-%d.txt", k)
		if err := os.WriteFile(name, fmt.Appendf(nil, "file %d\n", k), 0o644); err != nil {
			return fmt.Errorf("write %s in the working directory: %w", name, err)
		}
		fmt.Printf("step %d: wrote %s\n", k, name)
	}
	fmt.Println("done")
	return nil
}

// planSilent prints nothing and blocks until a signal ends the process.
func planSilent(arg string, hasArg bool) (step, error) {
	if err := noArg(hasArg); err != nil {
		return nil, err
	}
	return func() error {
		blockForever()
		return nil
	}, nil
}

// planSilentOnce blocks silently on the first attempt in a directory and
// behaves as productive:2 on later attempts. The marker file
// .testagent-attempt in the working directory records the first attempt.
func planSilentOnce(arg string, hasArg bool) (step, error) {
	if err := noArg(hasArg); err != nil {
		return nil, err
	}
	return func() error {
		_, err := os.Stat(attemptMarker)
		if err == nil {
			return produceFiles(2)
		}
		if !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("check attempt marker %s: %w", attemptMarker, err)
		}
		if err := os.WriteFile(attemptMarker, []byte("1\n"), 0o644); err != nil {
			return fmt.Errorf("create attempt marker %s: %w", attemptMarker, err)
		}
		blockForever()
		return nil
	}, nil
}

// planChatty prints a new line every 100 ms for the given seconds, or
// forever without an argument.
func planChatty(arg string, hasArg bool) (step, error) {
	var limit time.Duration
	if hasArg {
		var err error
		if limit, err = secondsArg(arg); err != nil {
			return nil, err
		}
	}
	return func() error {
		ticker := time.NewTicker(chattyInterval)
		defer ticker.Stop()
		start := time.Now()
		for k := 1; !hasArg || time.Since(start) < limit; k++ {
			fmt.Printf("chatter %d: still thinking about it\n", k)
			<-ticker.C
		}
		return nil
	}, nil
}

// planRepeat prints the same line every 100 ms for the given seconds, or
// forever without an argument.
func planRepeat(arg string, hasArg bool) (step, error) {
	var limit time.Duration
	if hasArg {
		var err error
		if limit, err = secondsArg(arg); err != nil {
			return nil, err
		}
	}
	return func() error {
		ticker := time.NewTicker(chattyInterval)
		defer ticker.Stop()
		start := time.Now()
		for !hasArg || time.Since(start) < limit {
			fmt.Println("still working on it")
			<-ticker.C
		}
		return nil
	}, nil
}

// planExit prints "exiting with CODE" and exits with CODE.
func planExit(arg string, hasArg bool) (step, error) {
	if !hasArg {
		return nil, errors.New("missing exit code, write exit:CODE")
	}
	code, err := strconv.Atoi(arg)
	if err != nil || code < 0 || code > 255 {
		return nil, fmt.Errorf("exit code %q is not an integer from 0 to 255", arg)
	}
	return func() error {
		fmt.Printf("exiting with %d\n", code)
		return &exitError{code: code}
	}, nil
}

// planIgnoreTerm ignores SIGTERM and blocks forever, so only SIGKILL or
// another signal ends the process.
func planIgnoreTerm(arg string, hasArg bool) (step, error) {
	if err := noArg(hasArg); err != nil {
		return nil, err
	}
	return func() error {
		signal.Ignore(syscall.SIGTERM)
		fmt.Println("ignoring SIGTERM")
		blockForever()
		return nil
	}, nil
}

// planIgnoreHUP ignores SIGHUP from then on and goes on with the next
// directive, so the hang-up of the terminal does not end the process.
func planIgnoreHUP(arg string, hasArg bool) (step, error) {
	if err := noArg(hasArg); err != nil {
		return nil, err
	}
	return func() error {
		signal.Ignore(syscall.SIGHUP)
		fmt.Println("ignoring SIGHUP")
		return nil
	}, nil
}

// planBackgroundChild starts "testagent sleep:1000" in the same process
// group with the terminal inherited, writes its pid to child.pid and
// returns without waiting for it.
func planBackgroundChild(arg string, hasArg bool) (step, error) {
	if err := noArg(hasArg); err != nil {
		return nil, err
	}
	return func() error {
		// os.Executable finds this binary even when os.Args[0] was a bare
		// name resolved through PATH.
		self, err := os.Executable()
		if err != nil {
			return fmt.Errorf("find own executable to start a child: %w", err)
		}
		child := exec.Command(self, "sleep:1000")
		child.Stdin, child.Stdout, child.Stderr = os.Stdin, os.Stdout, os.Stderr
		if err := child.Start(); err != nil {
			return fmt.Errorf("start child %s: %w", self, err)
		}
		pid := child.Process.Pid
		if err := os.WriteFile("child.pid", fmt.Appendf(nil, "%d\n", pid), 0o644); err != nil {
			return fmt.Errorf("write child.pid for child %d: %w", pid, err)
		}
		fmt.Printf("started child %d\n", pid)
		return nil
	}, nil
}

// planSessionChild starts "testagent sleep:1000" as the leader of a new
// session with the terminal inherited, writes its pid to session-child.pid
// and returns without waiting for it. Signals to the agent's process group
// do not reach the child, and the hang-up of the terminal does not either,
// because the terminal is not the controlling terminal of its session.
func planSessionChild(arg string, hasArg bool) (step, error) {
	if err := noArg(hasArg); err != nil {
		return nil, err
	}
	return func() error {
		self, err := os.Executable()
		if err != nil {
			return fmt.Errorf("find own executable to start a child: %w", err)
		}
		child := exec.Command(self, "sleep:1000")
		child.Stdin, child.Stdout, child.Stderr = os.Stdin, os.Stdout, os.Stderr
		child.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
		if err := child.Start(); err != nil {
			return fmt.Errorf("start child %s in a new session: %w", self, err)
		}
		pid := child.Process.Pid
		if err := os.WriteFile("session-child.pid", fmt.Appendf(nil, "%d\n", pid), 0o644); err != nil {
			return fmt.Errorf("write session-child.pid for child %d: %w", pid, err)
		}
		fmt.Printf("started child %d in session %d\n", pid, pid)
		return nil
	}, nil
}

// planSleep sleeps for the given seconds.
func planSleep(arg string, hasArg bool) (step, error) {
	if !hasArg {
		return nil, errors.New("missing duration, write sleep:SECONDS")
	}
	d, err := secondsArg(arg)
	if err != nil {
		return nil, err
	}
	return func() error {
		time.Sleep(d)
		return nil
	}, nil
}

// planFlood writes BYTES bytes of 'x' without a newline in 64 KiB writes.
func planFlood(arg string, hasArg bool) (step, error) {
	total, err := sizeArg(arg, hasArg, "flood:BYTES")
	if err != nil {
		return nil, err
	}
	return func() error {
		block := []byte(strings.Repeat("x", floodWriteSize))
		for left := total; left > 0; {
			n := min(left, floodWriteSize)
			if _, err := os.Stdout.Write(block[:n]); err != nil {
				return fmt.Errorf("flood stdout with %d bytes left: %w", left, err)
			}
			left -= n
		}
		return nil
	}, nil
}

// planPrint writes BYTES bytes of 'a' and a newline in one write.
func planPrint(arg string, hasArg bool) (step, error) {
	total, err := sizeArg(arg, hasArg, "print:BYTES")
	if err != nil {
		return nil, err
	}
	return func() error {
		line := append([]byte(strings.Repeat("a", total)), '\n')
		if _, err := os.Stdout.Write(line); err != nil {
			return fmt.Errorf("print %d bytes to stdout: %w", len(line), err)
		}
		return nil
	}, nil
}

// planSay prints TEXT and a newline in one write.
func planSay(arg string, hasArg bool) (step, error) {
	if !hasArg || arg == "" {
		return nil, errors.New("missing text, write say:TEXT")
	}
	return func() error {
		if _, err := os.Stdout.WriteString(arg + "\n"); err != nil {
			return fmt.Errorf("write %q to stdout: %w", arg, err)
		}
		return nil
	}, nil
}

// planTimestamp appends the current wall-clock time to FILE as Unix
// nanoseconds and a newline. A benchmark puts it around other directives to
// time them by the agent's own clock.
func planTimestamp(arg string, hasArg bool) (step, error) {
	if !hasArg || arg == "" {
		return nil, errors.New("missing file, write timestamp:FILE")
	}
	return func() error {
		line := strconv.FormatInt(time.Now().UnixNano(), 10) + "\n"
		f, err := os.OpenFile(arg, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err != nil {
			return fmt.Errorf("open timestamp file %s: %w", arg, err)
		}
		_, err = f.WriteString(line)
		if closeErr := f.Close(); err == nil {
			err = closeErr
		}
		if err != nil {
			return fmt.Errorf("append timestamp to %s: %w", arg, err)
		}
		return nil
	}, nil
}

// planStty prints the terminal size of stdin as "size ROWS COLS".
func planStty(arg string, hasArg bool) (step, error) {
	if err := noArg(hasArg); err != nil {
		return nil, err
	}
	return func() error {
		size, err := unix.IoctlGetWinsize(int(os.Stdin.Fd()), unix.TIOCGWINSZ)
		if err != nil {
			return fmt.Errorf("read terminal size of stdin (run stty with a terminal on stdin): %w", err)
		}
		fmt.Printf("size %d %d\n", size.Row, size.Col)
		return nil
	}, nil
}

// blockForever sleeps instead of using an empty select, which the runtime
// would report as a deadlock when no other goroutine runs.
func blockForever() {
	for {
		time.Sleep(time.Hour)
	}
}
