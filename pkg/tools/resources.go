package tools

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
)

// URI templates of the server's resources.
const (
	screenURITemplate     = "axiom://instance/{id}/screen"
	transcriptURITemplate = "axiom://instance/{id}/transcript"
	taskURITemplate       = "axiom://task/{id}"
)

// transcriptMetaKey names the offsets of a transcript resource in its _meta.
const transcriptMetaKey = "axiom-mcp/transcript"

// resourceKind is the kind of resource a URI names: a screen, a transcript
// or a task.
type resourceKind int

const (
	kindUnknown resourceKind = iota
	kindScreen
	kindTranscript
	kindTask
)

// parseResourceURI returns what uri names and the instance or task id in
// it, percent-decoded, or kindUnknown for a URI this server does not serve.
func parseResourceURI(uri string) (resourceKind, string) {
	rest, ok := strings.CutPrefix(uri, "axiom://")
	if !ok {
		return kindUnknown, ""
	}
	kind := kindUnknown
	encoded := ""
	if task, isTask := strings.CutPrefix(rest, "task/"); isTask {
		kind, encoded = kindTask, task
	} else if instance, isInstance := strings.CutPrefix(rest, "instance/"); isInstance {
		id, view, _ := strings.Cut(instance, "/")
		encoded = id
		switch view {
		case "screen":
			kind = kindScreen
		case "transcript":
			kind = kindTranscript
		}
	}
	id, err := url.PathUnescape(encoded)
	if kind == kindUnknown || err != nil || id == "" || strings.Contains(encoded, "/") {
		return kindUnknown, ""
	}
	return kind, id
}

// addResources registers the resource templates.
func (s *Server) addResources() {
	s.mcp.AddResourceTemplate(mcp.NewResourceTemplate(screenURITemplate, "instance-screen",
		mcp.WithTemplateTitle("Instance screen"),
		mcp.WithTemplateDescription("The rendered terminal screen of an instance as plain text, one line per row, "+
			"as the output tool's screen source returns it. Subscribers are notified when it changes, at most "+
			"twice a second."),
		mcp.WithTemplateMIMEType("text/plain"),
	), s.readResource)
	s.mcp.AddResourceTemplate(mcp.NewResourceTemplate(transcriptURITemplate, "instance-transcript",
		mcp.WithTemplateTitle("Instance transcript"),
		mcp.WithTemplateDescription(fmt.Sprintf("The last %d bytes of what an instance printed, as plain text "+
			"with escape sequences removed. _meta[%q] gives the offsets; the output tool pages through "+
			"earlier text. Subscribers are notified of new output, at most twice a second.",
			MaxOutputBytes, transcriptMetaKey)),
		mcp.WithTemplateMIMEType("text/plain"),
	), s.readResource)
	s.mcp.AddResourceTemplate(mcp.NewResourceTemplate(taskURITemplate, "task",
		mcp.WithTemplateTitle("Task record"),
		mcp.WithTemplateDescription("A task's record as JSON, in the form status lists it: state, attempts, "+
			"instances and last error. {id} is a task id or name. Subscribers are notified when it changes."),
		mcp.WithTemplateMIMEType("application/json"),
	), s.readResource)
}

// readResource reads one resource of the templates.
func (s *Server) readResource(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
	uri := req.Params.URI
	kind, id := parseResourceURI(uri)
	var contents mcp.ResourceContents
	var err error
	switch kind {
	case kindScreen:
		contents, err = s.readScreen(uri, id)
	case kindTranscript:
		contents, err = s.readTranscript(uri, id)
	case kindTask:
		contents, err = s.readTask(uri, id)
	default:
		err = fmt.Errorf("resource %q not found: use %s, %s or %s", uri, screenURITemplate,
			transcriptURITemplate, taskURITemplate)
		return nil, notFound(ctx, uri, err)
	}
	if errors.Is(err, executor.ErrInstanceNotFound) || errors.Is(err, executor.ErrTaskNotFound) {
		return nil, notFound(ctx, uri, err)
	}
	if err != nil {
		return nil, fmt.Errorf("read resource %s: %w", uri, err)
	}
	return []mcp.ResourceContents{contents}, nil
}

func (s *Server) readScreen(uri, id string) (mcp.ResourceContents, error) {
	view, err := s.pool.Screen(id)
	if err != nil {
		return nil, err
	}
	return mcp.TextResourceContents{URI: uri, MIMEType: "text/plain", Text: strings.Join(view.Lines, "\n")}, nil
}

func (s *Server) readTranscript(uri, id string) (mcp.ResourceContents, error) {
	window, err := s.pool.TranscriptTail(id, MaxOutputBytes)
	if err != nil {
		return nil, err
	}
	data := window.Text[runeStart(window.Text):]
	text := cutTail(data, outputTextBudget)
	start := window.Total - int64(len(text))
	return mcp.TextResourceContents{
		URI: uri, MIMEType: "text/plain", Text: string(text),
		Meta: map[string]any{transcriptMetaKey: map[string]any{
			"cursor": start, "total_bytes": window.Total, "oldest_cursor": window.Oldest, "state": window.State,
		}},
	}, nil
}

func (s *Server) readTask(uri, id string) (mcp.ResourceContents, error) {
	info, err := s.pool.Task(id)
	if err != nil {
		return nil, err
	}
	data, err := json.Marshal(info)
	if err != nil {
		return nil, fmt.Errorf("encode task %s: %w", id, err)
	}
	return mcp.TextResourceContents{URI: uri, MIMEType: "application/json", Text: string(data)}, nil
}

// cutTail returns the longest suffix of data that takes at most budget
// bytes once encoded as a JSON string.
func cutTail(data []byte, budget int) []byte {
	start, encoded := len(data), 0
	for start > 0 {
		r, n := utf8.DecodeLastRune(data[:start])
		cost := jsonCost(r, n)
		if encoded+cost > budget {
			break
		}
		start -= n
		encoded += cost
	}
	return data[start:]
}

// resourceError is a resources/read error with its own JSON-RPC code.
type resourceError struct {
	code int
	uri  string
	err  error
}

func (e *resourceError) Error() string { return e.err.Error() }

func (e *resourceError) Unwrap() error { return e.err }

// JSONRPCError returns the error as mcp-go sends it to the client.
func (e *resourceError) JSONRPCError() mcp.JSONRPCError {
	return mcp.JSONRPCError{
		JSONRPC: mcp.JSONRPC_VERSION,
		Error:   mcp.NewJSONRPCErrorDetails(e.code, e.Error(), map[string]any{"uri": e.uri}),
	}
}

// notFound wraps err as a resource-not-found error with the code mcp-go
// v1.6.0 uses for a URI no template matches: -32002 before protocol revision
// 2026-07-28, and invalid params (-32602) from it on.
func notFound(ctx context.Context, uri string, err error) error {
	code := mcp.RESOURCE_NOT_FOUND
	if mcp.IsModernProtocol(server.RequestProtocolVersion(ctx)) {
		code = mcp.INVALID_PARAMS
	}
	return server.NewHandlerError(&resourceError{code: code, uri: uri, err: err})
}
