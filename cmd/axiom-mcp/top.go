package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/axiom-mcp/axiom-mcp/internal/app"
)

// top runs the top command: the live table of a running HTTP server.
func top(ctx context.Context, args []string) int {
	fs := flag.NewFlagSet("top", flag.ContinueOnError)
	endpoint := fs.String("url", "", "MCP endpoint of the running server, such as http://127.0.0.1:8765/mcp")
	tokenFile := fs.String("token-file", "", "file whose first line is the server's bearer token (or set AXIOM_MCP_TOKEN)")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *endpoint == "" || fs.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "axiom-mcp top: give the server's endpoint with --url, such as --url http://127.0.0.1:8765/mcp")
		return 2
	}
	token := os.Getenv("AXIOM_MCP_TOKEN")
	if *tokenFile != "" {
		var err error
		if token, err = app.TokenFromFile(*tokenFile); err != nil {
			fmt.Fprintln(os.Stderr, "axiom-mcp top: --token-file:", err)
			return 2
		}
	}
	if err := app.Top(ctx, app.TopOptions{URL: *endpoint, Token: token, In: os.Stdin, Out: os.Stdout}); err != nil {
		fmt.Fprintln(os.Stderr, "axiom-mcp top:", err)
		return 1
	}
	return 0
}
