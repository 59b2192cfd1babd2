package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/axiom-mcp/axiom-mcp/pkg/dashboard"
	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
	"github.com/axiom-mcp/axiom-mcp/pkg/tui"
)

// Terminal sequences of the top view: the alternate screen keeps the
// user's scrollback intact, and home moves the cursor to the top left.
const (
	enterAltScreen = "\x1b[?1049h\x1b[H"
	leaveAltScreen = "\x1b[?1049l"
)

// topHelp is the key help on the last line of the table.
const topHelp = "↑/↓ or j/k select   Enter open screen   Esc back   q quit"

// topClient reads a running server's dashboard API.
type topClient struct {
	base  string // the dashboard API URL, ending in "/"
	token string
	http  *http.Client
}

// newTopClient derives the dashboard API address from the MCP endpoint
// URL, such as http://127.0.0.1:8765/mcp.
func newTopClient(endpoint, token string) (*topClient, error) {
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("--url %q is not an HTTP URL: give the MCP endpoint, such as http://127.0.0.1:8765/mcp", endpoint)
	}
	u.Path = strings.TrimSuffix(strings.TrimSuffix(u.Path, "/"), endpointPath) + dashboard.Prefix + "api/"
	u.RawQuery, u.Fragment = "", ""
	return &topClient{base: u.String(), token: token, http: &http.Client{Timeout: 5 * time.Second}}, nil
}

func (c *topClient) get(ctx context.Context, path string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return fmt.Errorf("request %s: %w", c.base+path, err)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("request %s: %w", c.base+path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return fmt.Errorf("request %s failed with %s: %s", c.base+path, resp.Status, strings.TrimSpace(string(body)))
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		return fmt.Errorf("decode the response of %s: %w", c.base+path, err)
	}
	return nil
}

// TopOptions configure the top command.
type TopOptions struct {
	// URL is the server's MCP endpoint, such as http://127.0.0.1:8765/mcp.
	URL   string
	Token string
	In    *os.File
	Out   *os.File
}

// Top shows the live instance table of a running HTTP server until the
// user presses q or ctx is done. Enter on a row shows that instance's
// whole screen.
func Top(ctx context.Context, opts TopOptions) error {
	client, err := newTopClient(opts.URL, opts.Token)
	if err != nil {
		return err
	}
	var st executor.Status
	if err := client.get(ctx, "status", &st); err != nil {
		return err
	}
	if !tui.IsTerminal(opts.In) || !tui.IsTerminal(opts.Out) {
		return errors.New("top needs a terminal on standard input and output: run it in a terminal, " +
			"or open the dashboard at " + strings.TrimSuffix(client.base, "api/") + " in a browser")
	}
	restore, err := tui.MakeRaw(opts.In)
	if err != nil {
		return err
	}
	defer func() { _ = restore() }()
	fmt.Fprint(opts.Out, enterAltScreen)
	defer fmt.Fprint(opts.Out, leaveAltScreen)

	view := &topView{client: client, out: opts.Out, frame: tui.NewFrame(opts.Out), history: tui.NewHistory()}
	return view.run(ctx, opts.In)
}

// topView is the state of a running top command.
type topView struct {
	client  *topClient
	out     *os.File
	frame   *tui.Frame
	history *tui.History
	browser tui.Browser
	rows    []tui.Row
	problem string // the last request error, shown instead of the help
}

func (v *topView) run(ctx context.Context, in *os.File) error {
	ctx, cancel := context.WithCancel(ctx)
	keys := make(chan []tui.Key)
	readerDone := make(chan struct{})
	go func() { defer close(readerDone); readKeys(ctx, in, keys) }()
	defer func() { cancel(); <-readerDone }()
	ticker := time.NewTicker(tui.RedrawInterval)
	defer ticker.Stop()
	for {
		if err := v.draw(ctx); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case <-ticker.C:
		case pressed := <-keys:
			for _, k := range pressed {
				if v.browser.Apply(k, v.rows) {
					return nil
				}
			}
		}
	}
}

func (v *topView) draw(ctx context.Context) error {
	width, height := tui.Size(v.out)
	if v.browser.Open != "" {
		var screen executor.ScreenView
		if err := v.client.get(ctx, "screen?instance="+url.QueryEscape(v.browser.Open), &screen); err != nil {
			return v.frame.Draw([]string{err.Error(), "Esc back   q quit"})
		}
		title := fmt.Sprintf("%s (%s)   Esc back   q quit", screen.InstanceID, screen.State)
		return v.frame.Draw(tui.ScreenLines(title, screen.Lines, width, height-1))
	}
	var st executor.Status
	if err := v.client.get(ctx, "status", &st); err != nil {
		v.problem = err.Error()
	} else {
		v.problem = ""
		v.history.Record(st)
		v.rows = tui.Rows(st, v.history)
	}
	help := topHelp
	if v.problem != "" {
		help = v.problem
	}
	lines := tui.Compose(tui.View{Title: "axiom-mcp top " + v.client.base, Pool: st.Pool, Rows: v.rows,
		Selected: v.browser.Selected, Help: help}, width, height-1)
	return v.frame.Draw(lines)
}

// readKeys sends the keys read from in until ctx is done. It polls with a
// timeout so that it notices ctx without a blocked read.
func readKeys(ctx context.Context, in *os.File, keys chan<- []tui.Key) {
	buf := make([]byte, 64)
	fds := []unix.PollFd{{Fd: int32(in.Fd()), Events: unix.POLLIN}}
	for ctx.Err() == nil {
		n, err := unix.Poll(fds, 100)
		if err != nil && !errors.Is(err, unix.EINTR) {
			return
		}
		if n == 0 || fds[0].Revents&unix.POLLIN == 0 {
			continue
		}
		read, err := in.Read(buf)
		if err != nil {
			return
		}
		select {
		case keys <- tui.ParseKeys(buf[:read]):
		case <-ctx.Done():
			return
		}
	}
}
