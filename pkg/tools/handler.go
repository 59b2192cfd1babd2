package tools

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// handle adapts a typed tool function. Arguments are decoded strictly, so a
// misspelt field is reported instead of ignored. An error from fn becomes a
// tool result with isError set, for the model to read and act on.
func handle[In, Out any](fn func(context.Context, In) (Out, error)) server.ToolHandlerFunc {
	return handleRequest(func(ctx context.Context, _ mcp.CallToolRequest, in In) (Out, error) {
		return fn(ctx, in)
	})
}

// handleRequest is handle for tool functions that also read the request,
// such as its progress token. When the call's context ends and fn returns
// that context's error, the error is returned as is, so a cancelled call
// run as an MCP task is recorded as cancelled, not as a failed tool call.
func handleRequest[In, Out any](fn func(context.Context, mcp.CallToolRequest, In) (Out, error)) server.ToolHandlerFunc {
	return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		var in In
		if err := decodeArguments(req.GetArguments(), &in); err != nil {
			return mcp.NewToolResultError(fmt.Sprintf("invalid arguments for %s: %v: check the names and types "+
				"against the tool's input schema", req.Params.Name, err)), nil
		}
		out, err := fn(ctx, req, in)
		if err != nil && ctx.Err() != nil && errors.Is(err, ctx.Err()) {
			return nil, err
		}
		if err != nil {
			return mcp.NewToolResultError(err.Error()), nil
		}
		text, err := encodeText(out)
		if err != nil {
			return nil, fmt.Errorf("encode %s result: %w", req.Params.Name, err)
		}
		return mcp.NewToolResultStructured(out, text), nil
	}
}

func decodeArguments(args map[string]any, target any) error {
	if args == nil {
		args = map[string]any{}
	}
	raw, err := json.Marshal(args)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	return dec.Decode(target)
}

// encodeText returns v as JSON for the result's text block. It leaves <, >
// and & as they are: escaping them for HTML would make code output up to
// six times longer in that copy.
func encodeText(v any) (string, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(buf.String(), "\n"), nil
}
