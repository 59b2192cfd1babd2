package app

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/axiom-mcp/axiom-mcp/pkg/profile"
	"github.com/axiom-mcp/axiom-mcp/pkg/screen"
)

const profileUsage = `Usage:
  axiom-mcp profile list [--profiles FILE]
  axiom-mcp profile show [--profiles FILE] NAME
  axiom-mcp profile check --profile NAME [--profiles FILE] [--timing T] FILE

check classifies FILE with the profile's rules:
  FILE.txt    a screen as plain text, one row per line
  FILE.ansi   a screen with escape codes, rendered at 120x40
  other       raw terminal output, such as a script(1) recording; with a
              timing file (--timing T, FILE.timing or session-timing.txt
              next to FILE, lines "<delay seconds> <bytes>") it is replayed
              and each change of state is printed, else the final state

Exit status: 0 on success, 1 when a file cannot be read, 2 on a usage error.
`

// Default size of the terminal that check renders screens in.
const (
	checkCols = 120
	checkRows = 40
)

// renderLimit bounds the wait for the emulator to render a file. It catches
// a stuck emulator, not slowness.
const renderLimit = time.Minute

// usageError marks an error in the command line, which exits with status 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// ProfileCommand runs `axiom-mcp profile`: args are the words after
// "profile". It writes results to stdout and errors to stderr, and returns
// the exit status: 0 on success, 1 when a file cannot be read and 2 on a
// usage error.
func ProfileCommand(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, "axiom-mcp profile: missing subcommand: use list, show or check\n\n"+profileUsage)
		return 2
	}
	var err error
	switch args[0] {
	case "list":
		err = profileList(args[1:], stdout, stderr)
	case "show":
		err = profileShow(args[1:], stdout, stderr)
	case "check":
		err = profileCheck(args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, profileUsage)
		return 0
	default:
		err = usagef("unknown subcommand %q: use list, show or check", args[0])
	}
	return profileExitCode(err, stderr)
}

func profileExitCode(err error, stderr io.Writer) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	fmt.Fprintln(stderr, "axiom-mcp profile:", err)
	var usage usageError
	if errors.As(err, &usage) {
		return 2
	}
	return 1
}

// newProfileFlags returns a flag set for one subcommand with the
// --profiles flag.
func newProfileFlags(name string, stderr io.Writer) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet("axiom-mcp profile "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	profiles := fs.String("profiles", "", "YAML file of profiles that replace or extend the embedded ones")
	return fs, profiles
}

func parseProfileFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err}
	}
	return nil
}

// loadProfiles returns the embedded profiles, with those of path added when
// path is set.
func loadProfiles(path string) (*profile.Set, error) {
	if path == "" {
		return profile.Defaults(), nil
	}
	set, err := profile.Load(path, profile.Defaults())
	if err != nil {
		return nil, fmt.Errorf("--profiles: %w", err)
	}
	return set, nil
}

func profileList(args []string, stdout, stderr io.Writer) error {
	fs, profilesFile := newProfileFlags("list", stderr)
	if err := parseProfileFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("list takes no arguments, got %q: remove it", fs.Arg(0))
	}
	set, err := loadProfiles(*profilesFile)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "NAME\tCHECKED\tDESCRIPTION")
	for _, name := range set.Names() {
		p, err := set.Lookup(name)
		if err != nil {
			return err
		}
		checked := p.CheckedVersion
		if checked == "" {
			checked = "-"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\n", p.Name, checked, p.Description)
	}
	return w.Flush()
}

func profileShow(args []string, stdout, stderr io.Writer) error {
	fs, profilesFile := newProfileFlags("show", stderr)
	if err := parseProfileFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("show takes one profile name, got %d arguments: run \"axiom-mcp profile list\" for the names", fs.NArg())
	}
	set, err := loadProfiles(*profilesFile)
	if err != nil {
		return err
	}
	p, err := set.Lookup(fs.Arg(0))
	if err != nil {
		return usageError{err}
	}
	data, err := yaml.Marshal(p)
	if err != nil {
		return fmt.Errorf("encode profile %q as YAML: %w", p.Name, err)
	}
	_, err = stdout.Write(data)
	return err
}

// checkOptions are the parsed arguments of `profile check`.
type checkOptions struct {
	profile *profile.Profile
	file    string
	timing  string
}

func profileCheck(args []string, stdout, stderr io.Writer) error {
	opts, err := parseCheckArgs(args, stderr)
	if err != nil {
		return err
	}
	ext := strings.ToLower(filepath.Ext(opts.file))
	isScreen := ext == ".txt" || ext == ".ansi"
	if isScreen && opts.timing != "" {
		return usagef("--timing applies to raw recordings, not to the %s screen %s: remove --timing", ext, opts.file)
	}
	switch ext {
	case ".txt":
		return checkTextScreen(opts, stdout)
	case ".ansi":
		return checkANSIScreen(opts, stdout)
	default:
		return checkRecording(opts, stdout)
	}
}

func parseCheckArgs(args []string, stderr io.Writer) (checkOptions, error) {
	fs, profilesFile := newProfileFlags("check", stderr)
	name := fs.String("profile", "", "name of the profile whose rules classify FILE (required)")
	timing := fs.String("timing", "", "timing file of a raw recording, lines \"<delay seconds> <bytes>\"")
	if err := parseProfileFlags(fs, args); err != nil {
		return checkOptions{}, err
	}
	if *name == "" {
		return checkOptions{}, usagef("--profile is missing: give a profile name such as claude " +
			"(\"axiom-mcp profile list\" shows them)")
	}
	if fs.NArg() != 1 {
		return checkOptions{}, usagef("check takes one FILE after the flags, got %d arguments: "+
			"put --profile and the other flags before FILE", fs.NArg())
	}
	set, err := loadProfiles(*profilesFile)
	if err != nil {
		return checkOptions{}, err
	}
	p, err := set.Lookup(*name)
	if err != nil {
		return checkOptions{}, usageError{fmt.Errorf("--profile: %w", err)}
	}
	return checkOptions{profile: p, file: fs.Arg(0), timing: *timing}, nil
}

func checkTextScreen(opts checkOptions, stdout io.Writer) error {
	data, err := os.ReadFile(opts.file)
	if err != nil {
		return fmt.Errorf("read screen: %w", err)
	}
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	printObservation(stdout, opts.profile.Classify(lines, ""))
	return nil
}

// checkANSIScreen renders a capture such as `tmux capture-pane -e` output.
// Its rows end with a bare line feed, which a terminal reads as "down one
// row" without a return to column 0, so each becomes CR LF first.
func checkANSIScreen(opts checkOptions, stdout io.Writer) error {
	data, err := os.ReadFile(opts.file)
	if err != nil {
		return fmt.Errorf("read screen: %w", err)
	}
	data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	data = bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n"))
	r := startRenderer(checkCols, checkRows)
	defer r.stop()
	if err := r.feed(data); err != nil {
		return err
	}
	printObservation(stdout, opts.profile.Classify(r.screen.Lines(), r.screen.Title()))
	return nil
}

func printObservation(w io.Writer, obs profile.Observation) {
	if obs.Rule == "" {
		fmt.Fprintf(w, "state: %s\n", obs.State)
	} else {
		fmt.Fprintf(w, "state: %s (rule %s)\n", obs.State, obs.Rule)
	}
	if obs.Question != "" {
		fmt.Fprintf(w, "question: %s\n", obs.Question)
	}
	if obs.Dialog == nil {
		return
	}
	fmt.Fprintf(w, "dialog: %s\n", obs.Dialog.Name)
	if obs.Dialog.Answerable() {
		fmt.Fprintf(w, "answer: %s\n", strings.Join(obs.Dialog.Answer, ", "))
	} else {
		fmt.Fprintf(w, "help: %s\n", obs.Dialog.Help)
	}
}

// renderer is a Screen with its Run goroutine.
type renderer struct {
	screen *screen.Screen
	cancel context.CancelFunc
	done   chan struct{}
}

func startRenderer(cols, rows int) *renderer {
	ctx, cancel := context.WithCancel(context.Background())
	r := &renderer{
		screen: screen.New(screen.Options{Cols: cols, Rows: rows}),
		cancel: cancel,
		done:   make(chan struct{}),
	}
	go func() {
		defer close(r.done)
		r.screen.Run(ctx)
	}()
	return r
}

// feed writes p and waits until the emulator has rendered it.
func (r *renderer) feed(p []byte) error {
	if _, err := r.screen.Write(p); err != nil {
		return fmt.Errorf("render: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), renderLimit)
	defer cancel()
	if err := r.screen.Flush(ctx); err != nil {
		return fmt.Errorf("render: %w", err)
	}
	return nil
}

func (r *renderer) stop() {
	r.cancel()
	<-r.done
	_ = r.screen.Close()
}

// scriptHeader matches the first line that script(1) writes, and its
// terminal size.
var (
	scriptHeader     = regexp.MustCompile(`^Script started on [^\n]*\n`)
	scriptHeaderSize = regexp.MustCompile(`COLUMNS="(\d+)" LINES="(\d+)"`)
	scriptTrailer    = regexp.MustCompile(`\nScript done on [^\n]*\n?$`)
)

// recording is raw terminal output without script(1)'s header and trailer.
type recording struct {
	body       []byte
	cols, rows int
}

func readRecording(path string) (recording, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return recording{}, fmt.Errorf("read recording: %w", err)
	}
	rec := recording{body: data, cols: checkCols, rows: checkRows}
	header := scriptHeader.Find(data)
	if header == nil {
		return rec, nil
	}
	rec.body = data[len(header):]
	if size := scriptHeaderSize.FindSubmatch(header); size != nil {
		rec.cols, _ = strconv.Atoi(string(size[1]))
		rec.rows, _ = strconv.Atoi(string(size[2]))
	}
	return rec, nil
}

func checkRecording(opts checkOptions, stdout io.Writer) error {
	rec, err := readRecording(opts.file)
	if err != nil {
		return err
	}
	timingPath, err := findTiming(opts)
	if err != nil {
		return err
	}
	if timingPath == "" {
		return checkFinalScreen(opts.profile, rec, stdout)
	}
	chunks, err := readTiming(timingPath, len(rec.body))
	if err != nil {
		return err
	}
	return replayRecording(opts.profile, rec, chunks, stdout)
}

// findTiming returns --timing, else FILE.timing, else session-timing.txt
// in FILE's directory, whichever exists first, or "" for none.
func findTiming(opts checkOptions) (string, error) {
	if opts.timing != "" {
		if _, err := os.Stat(opts.timing); err != nil {
			return "", usageError{fmt.Errorf("--timing: %w", err)}
		}
		return opts.timing, nil
	}
	candidates := []string{
		opts.file + ".timing",
		filepath.Join(filepath.Dir(opts.file), "session-timing.txt"),
	}
	for _, path := range candidates {
		if _, err := os.Stat(path); err == nil {
			return path, nil
		}
	}
	return "", nil
}

func checkFinalScreen(p *profile.Profile, rec recording, stdout io.Writer) error {
	body := scriptTrailer.ReplaceAll(rec.body, nil)
	r := startRenderer(rec.cols, rec.rows)
	defer r.stop()
	if err := r.feed(body); err != nil {
		return err
	}
	printObservation(stdout, p.Classify(r.screen.Lines(), r.screen.Title()))
	return nil
}

// timedChunk is one write of a recording: its offset in time and its size.
type timedChunk struct {
	at   time.Duration
	size int
}

// readTiming parses a timing file of script(1)'s classic format, one
// "<delay seconds> <bytes>" line per write. The byte counts may add up to
// less than bodyLen, because the recording's trailer is not a write.
func readTiming(path string, bodyLen int) ([]timedChunk, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read timing: %w", err)
	}
	defer f.Close()
	var chunks []timedChunk
	var elapsed time.Duration
	total := 0
	scanner := bufio.NewScanner(f)
	for line := 1; scanner.Scan(); line++ {
		delay, size, err := parseTimingLine(scanner.Text())
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		elapsed += delay
		total += size
		chunks = append(chunks, timedChunk{at: elapsed, size: size})
	}
	if err := scanner.Err(); err != nil {
		return nil, fmt.Errorf("read timing %s: %w", path, err)
	}
	if total > bodyLen {
		return nil, fmt.Errorf("timing %s lists %d bytes but the recording has %d after its header: "+
			"give the timing file recorded with it", path, total, bodyLen)
	}
	return chunks, nil
}

func parseTimingLine(text string) (time.Duration, int, error) {
	fields := strings.Fields(text)
	if len(fields) != 2 {
		return 0, 0, fmt.Errorf("timing line %q is invalid: expected \"<delay seconds> <bytes>\" "+
			"as script --log-timing writes in its classic format", text)
	}
	delay, err := strconv.ParseFloat(fields[0], 64)
	if err != nil || delay < 0 {
		return 0, 0, fmt.Errorf("delay %q is invalid: expected seconds such as 0.25", fields[0])
	}
	size, err := strconv.Atoi(fields[1])
	if err != nil || size < 0 {
		return 0, 0, fmt.Errorf("byte count %q is invalid: expected a whole number such as 120", fields[1])
	}
	return time.Duration(delay * float64(time.Second)), size, nil
}

// replayRecording renders the recording write by write on the recorded
// clock, without sleeping, and prints each change of state. The screen
// starts blank, which counts as unknown.
func replayRecording(p *profile.Profile, rec recording, chunks []timedChunk, stdout io.Writer) error {
	r := startRenderer(rec.cols, rec.rows)
	defer r.stop()
	last := profile.StateUnknown
	offset := 0
	for _, chunk := range chunks {
		if err := r.feed(rec.body[offset : offset+chunk.size]); err != nil {
			return err
		}
		offset += chunk.size
		obs := p.Classify(r.screen.Lines(), r.screen.Title())
		if obs.State == last {
			continue
		}
		last = obs.State
		printTransition(stdout, chunk.at, obs)
	}
	return nil
}

func printTransition(w io.Writer, at time.Duration, obs profile.Observation) {
	line := fmt.Sprintf("%7.3fs  %s", at.Seconds(), obs.State)
	if obs.Rule != "" {
		line += fmt.Sprintf("  (rule %s)", obs.Rule)
	}
	if obs.Question != "" {
		line += "  question: " + obs.Question
	}
	fmt.Fprintln(w, line)
}
