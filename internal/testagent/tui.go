package main

// The tui directives imitate a small interactive coding-agent CLI, so that
// tests can drive the executor's interactive driver without a real one. The
// program draws an input box that takes bracketed paste, runs a turn with a
// spinner when Enter submits a prompt, writes a file and prints a summary
// line, and exits on /exit. Options add a startup dialog, a permission
// question, a swallowed first Enter, an ignored /exit and a turn that
// switches between working and asking.

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"regexp"
	"strings"
	"syscall"
	"time"
)

const (
	// defaultTUIWork is how long a turn works when tui has no argument.
	defaultTUIWork = time.Second
	// spinnerInterval is how often the spinner line is redrawn in a turn.
	spinnerInterval = 100 * time.Millisecond
	// defaultTUIFile is the file a turn writes when its prompt names none.
	defaultTUIFile = "tui.txt"
	// interruptExitCode is the exit status after Ctrl-C, as shells report
	// an end by SIGINT.
	interruptExitCode = 130
)

// Variants of the startup dialog that tui-dialog selects.
const (
	dialogPick  = "pick"  // continues after down, then Enter
	dialogStuck = "stuck" // ignores every key
)

// tuiOptions are the settings of the tui-* option directives.
type tuiOptions struct {
	dialog       string // startup dialog variant, or "" for none
	ask          bool   // ask before writing the file of a turn
	swallowEnter bool   // ignore the first Enter that submits a prompt
	// foldEnter takes an Enter read within foldWindow of the end of a
	// paste as part of the paste, as Claude Code does, not as a submit.
	foldEnter  bool
	ignoreExit bool // treat /exit as a disabled command
	// slowSubmit is how long the UI computes, without drawing anything,
	// after it takes a prompt, as a CLI on a loaded machine does.
	slowSubmit time.Duration
	// flips is how often a turn switches to a question and back, for
	// tui-flip.
	flips int
}

// tuiSettings collects the option directives. Steps run in order on the main
// goroutine, so options must come before tui. The tui step ends the program,
// so directives after it never run.
var tuiSettings tuiOptions

// planTUI runs the terminal UI until /exit, Ctrl-C, a signal or the end of
// its input. Its argument is the work time of each turn in seconds.
func planTUI(arg string, hasArg bool) (step, error) {
	work := defaultTUIWork
	if hasArg {
		var err error
		if work, err = secondsArg(arg); err != nil {
			return nil, err
		}
	}
	return func() error { return runTUI(tuiSettings, work) }, nil
}

// planTUIDialog shows a startup dialog before the input box: "pick" waits
// for down and Enter, "stuck" ignores every key.
func planTUIDialog(arg string, hasArg bool) (step, error) {
	if arg != dialogPick && arg != dialogStuck {
		return nil, fmt.Errorf("dialog %q is unknown: write tui-dialog:%s or tui-dialog:%s", arg, dialogPick, dialogStuck)
	}
	return tuiOption(false, func(o *tuiOptions) { o.dialog = arg })
}

// planTUIAsk makes each turn ask before it writes its file.
func planTUIAsk(_ string, hasArg bool) (step, error) {
	return tuiOption(hasArg, func(o *tuiOptions) { o.ask = true })
}

// planTUISwallowEnter makes the terminal UI ignore the first Enter that
// would submit a prompt.
func planTUISwallowEnter(_ string, hasArg bool) (step, error) {
	return tuiOption(hasArg, func(o *tuiOptions) { o.swallowEnter = true })
}

// foldWindow is the time after a paste within which tui-fold-enter folds
// an Enter into it. Claude Code 2.1.197 folds an Enter that arrives within
// about 100 ms of a paste.
const foldWindow = 100 * time.Millisecond

// planTUIFoldEnter makes the terminal UI fold an Enter that follows a paste
// within foldWindow into the pasted text.
func planTUIFoldEnter(_ string, hasArg bool) (step, error) {
	return tuiOption(hasArg, func(o *tuiOptions) { o.foldEnter = true })
}

// planTUIIgnoreExit makes the terminal UI reject /exit, so only a signal
// ends it.
func planTUIIgnoreExit(_ string, hasArg bool) (step, error) {
	return tuiOption(hasArg, func(o *tuiOptions) { o.ignoreExit = true })
}

// planTUISlowSubmit makes the terminal UI use the CPU for the given seconds,
// without drawing, after it takes a prompt and before the turn shows.
func planTUISlowSubmit(arg string, hasArg bool) (step, error) {
	if !hasArg {
		return nil, fmt.Errorf("tui-slow-submit needs seconds, such as tui-slow-submit:5")
	}
	d, err := secondsArg(arg)
	if err != nil {
		return nil, err
	}
	return func() error {
		tuiSettings.slowSubmit = d
		return nil
	}, nil
}

func tuiOption(hasArg bool, set func(*tuiOptions)) (step, error) {
	if err := noArg(hasArg); err != nil {
		return nil, err
	}
	return func() error {
		set(&tuiSettings)
		return nil
	}, nil
}

// errInputClosed ends the terminal UI when its input ends, as it does when
// the terminal is closed.
var errInputClosed = errors.New("terminal input closed")

// tui is the state of the terminal UI. Only the main goroutine uses it.
type tui struct {
	opts    tuiOptions
	work    time.Duration
	keys    <-chan key
	signals <-chan os.Signal
	cols    int
	rows    int

	history   []string  // lines above the input box, oldest first
	input     string    // text in the input box
	enters    int       // Enter presses since the last accepted prompt
	swallowed bool      // the first Enter was ignored, for tui-swallow-enter
	pastedAt  time.Time // when the last paste was read
}

// runTUI puts the terminal in raw mode with bracketed paste, shows the
// dialog if one is set, and runs the input box. It restores the terminal
// before it returns, also after SIGTERM or SIGHUP.
func runTUI(opts tuiOptions, work time.Duration) error {
	restore, err := makeRaw(int(os.Stdin.Fd()))
	if err != nil {
		return err
	}
	defer restore()
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(signals)

	cols, rows := terminalSize()
	t := &tui{opts: opts, work: work, keys: readKeys(os.Stdin), signals: signals, cols: cols, rows: rows}
	writeTerminal(bracketedPasteOn)
	defer writeTerminal(bracketedPasteOff)
	if opts.dialog != "" {
		if err := t.runDialog(); err != nil {
			return err
		}
	}
	return t.runBox()
}

// nextKey waits for a key. A signal ends the program with status 128 plus
// the signal number, as shells report an end by that signal.
func (t *tui) nextKey() (key, error) {
	select {
	case k, ok := <-t.keys:
		if !ok {
			return key{}, errInputClosed
		}
		return k, nil
	case sig := <-t.signals:
		return key{}, signalExit(sig)
	}
}

func signalExit(sig os.Signal) error {
	code := 1
	if s, ok := sig.(syscall.Signal); ok {
		code = 128 + int(s)
	}
	return &exitError{code: code}
}

// runDialog shows the startup dialog until Enter confirms an option. Down
// selects "2. Yes", and Enter on it continues. Enter on "1. No" exits with
// status 1. The stuck variant ignores every key.
func (t *tui) runDialog() error {
	selected := 0
	for {
		t.draw(dialogScreen(selected))
		k, err := t.nextKey()
		if err != nil {
			return err
		}
		if t.opts.dialog == dialogStuck {
			continue
		}
		switch k.kind {
		case keyUp:
			selected = 0
		case keyDown:
			selected = 1
		case keyEnter:
			if selected == 1 {
				return nil
			}
			t.draw([]string{"You chose No; exiting."})
			return &exitError{code: 1}
		}
	}
}

// runBox edits the input box and submits it on Enter.
func (t *tui) runBox() error {
	for {
		t.draw(t.boxScreen(idleFooter))
		k, err := t.nextKey()
		if err != nil {
			return err
		}
		switch k.kind {
		case keyText, keyPaste:
			t.input += strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ").Replace(k.text)
			if k.kind == keyPaste {
				t.pastedAt = time.Now()
			}
		case keyBackspace:
			t.input = dropLastRune(t.input)
		case keyInterrupt:
			return &exitError{code: interruptExitCode}
		case keyEnter:
			if t.opts.foldEnter && time.Since(t.pastedAt) < foldWindow {
				// The Enter becomes a line break in the paste and counts as
				// a press that did not submit.
				t.input += " "
				t.enters++
				continue
			}
			if err := t.submit(); err != nil {
				return err
			}
		}
	}
}

func dropLastRune(s string) string {
	runes := []rune(s)
	if len(runes) == 0 {
		return s
	}
	return string(runes[:len(runes)-1])
}

// submit handles Enter in the input box. /exit ends the program with status
// 0 unless tui-ignore-exit is set, and other text runs a turn.
func (t *tui) submit() error {
	prompt := strings.TrimSpace(t.input)
	if prompt == "" {
		return nil
	}
	t.enters++
	if t.opts.swallowEnter && !t.swallowed {
		t.swallowed = true
		return nil
	}
	presses := t.enters
	t.input, t.enters = "", 0
	burnCPU(t.opts.slowSubmit)
	if prompt == "/exit" {
		if !t.opts.ignoreExit {
			t.draw([]string{"Goodbye!"})
			return &exitError{code: 0}
		}
		t.history = append(t.history, "/exit is disabled in this session")
		return nil
	}
	return t.runTurn(prompt, presses)
}

// runTurn shows a spinner for the work time, then writes the file and the
// summary line. With tui-ask it first shows the permission question and,
// after the answer, a second spinner for the work time, as Claude Code sends
// another model request after a permission answer. The file records the
// prompt and the Enter presses it took to submit it.
func (t *tui) runTurn(prompt string, presses int) error {
	t.history = append(t.history, "> "+prompt)
	start := time.Now()
	// A slow submit stands for a CLI that computed while its model
	// answered, so the question follows at once and meets any key typed in
	// the meantime. spin would discard such keys.
	switch {
	case t.opts.flips > 0:
		if err := t.flip(start); err != nil {
			return err
		}
	case t.opts.slowSubmit == 0:
		if err := t.spin(start); err != nil {
			return err
		}
	}

	name := fileNameIn(prompt)
	write := true
	if t.opts.ask {
		var err error
		if write, err = t.askCreate(name); err != nil {
			return err
		}
	}
	if err := t.writeFile(name, write, prompt, presses); err != nil {
		return err
	}
	if t.opts.ask {
		if err := t.spin(start); err != nil {
			return err
		}
	}

	seconds := int(time.Since(start).Round(time.Second) / time.Second)
	t.history = append(t.history, fmt.Sprintf("✻ Baked for %ds", seconds))
	return nil
}

// writeFile writes the file of a turn when write is true, and notes in the
// history whether it did.
func (t *tui) writeFile(name string, write bool, prompt string, presses int) error {
	if !write {
		t.history = append(t.history, "Did not write "+name)
		return nil
	}
	content := fmt.Sprintf("prompt: %s\nenter presses: %d\n", prompt, presses)
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		return fmt.Errorf("write %s in the working directory: %w", name, err)
	}
	t.history = append(t.history, "Wrote "+name)
	return nil
}

// spin shows the busy screen for the work time. Keys typed meanwhile are
// dropped.
func (t *tui) spin(start time.Time) error {
	ticker := time.NewTicker(spinnerInterval)
	defer ticker.Stop()
	done := time.NewTimer(t.work)
	defer done.Stop()
	for frame := 0; ; frame++ {
		t.draw(t.workingScreen(frame, time.Since(start)))
		select {
		case <-done.C:
			return nil
		case <-ticker.C:
		case _, ok := <-t.keys:
			if !ok {
				return errInputClosed
			}
		case sig := <-t.signals:
			return signalExit(sig)
		}
	}
}

// askCreate shows the permission question for creating name. It returns
// true on Enter and false on Esc.
func (t *tui) askCreate(name string) (bool, error) {
	for {
		t.draw(t.questionScreen(name))
		k, err := t.nextKey()
		if err != nil {
			return false, err
		}
		switch k.kind {
		case keyEnter:
			return true, nil
		case keyEsc:
			return false, nil
		}
	}
}

// fileNamePattern matches a plain file name with an extension, such as
// notes.txt.
var fileNamePattern = regexp.MustCompile(`^[\w-]+(\.[\w-]+)*\.[A-Za-z0-9]+$`)

// fileNameIn returns the first word of prompt that is a file name, without
// trailing punctuation, or tui.txt when there is none.
func fileNameIn(prompt string) string {
	for _, word := range strings.Fields(prompt) {
		word = strings.TrimRight(word, ".,;:!?")
		if fileNamePattern.MatchString(word) {
			return word
		}
	}
	return defaultTUIFile
}

// burnCPU keeps one core busy for d.
func burnCPU(d time.Duration) {
	end := time.Now().Add(d)
	for n := 0; time.Now().Before(end); n++ {
		_ = n * n
	}
}
