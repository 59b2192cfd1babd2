package dashboard

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path"
	"time"

	"go.uber.org/zap"

	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
)

// Prefix is the path under which the dashboard is served.
const Prefix = "/dashboard/"

// maxBodyBytes bounds the JSON body of an action.
const maxBodyBytes = 64 << 10

// keepAliveInterval is how often an idle event stream sends a comment, so
// proxies and browsers keep the connection open.
const keepAliveInterval = 15 * time.Second

//go:embed static
var static embed.FS

// Handler returns the handler of every path under Prefix. The page and its
// script and style pass the Host and Origin checks only, because they
// contain no pool data. The API under Prefix+"api/" needs the token too.
func (d *Dashboard) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET "+Prefix+"{$}", d.asset("static/index.html"))
	mux.Handle("GET "+Prefix+"app.js", d.asset("static/app.js"))
	mux.Handle("GET "+Prefix+"style.css", d.asset("static/style.css"))
	mux.Handle("GET "+Prefix+"api/status", d.api(d.serveStatus))
	mux.Handle("GET "+Prefix+"api/screen", d.api(d.serveScreen))
	mux.Handle("GET "+Prefix+"api/stream", d.api(d.serveStream))
	mux.Handle("POST "+Prefix+"api/kill", d.api(d.serveKill))
	mux.Handle("POST "+Prefix+"api/send", d.api(d.serveSend))
	return mux
}

func (d *Dashboard) api(h http.HandlerFunc) http.Handler {
	return d.guard.wrap(h, true, d.log)
}

func (d *Dashboard) asset(name string) http.Handler {
	data, err := static.ReadFile(name)
	if err != nil {
		panic(fmt.Sprintf("embedded dashboard file %s is missing: %v", name, err))
	}
	contentType := mime.TypeByExtension(path.Ext(name))
	return d.guard.wrap(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("Content-Security-Policy", "default-src 'self'; connect-src 'self'; img-src 'self' data:")
		_, _ = w.Write(data)
	}), false, d.log)
}

// serveStatus returns the pool status with the last three screen rows of
// each instance, for `axiom-mcp top`.
func (d *Dashboard) serveStatus(w http.ResponseWriter, _ *http.Request) {
	st, err := d.pool.Status(executor.Filter{Limit: maxTasks, TailLines: 3})
	if err != nil {
		d.fail(w, http.StatusInternalServerError, fmt.Errorf("read pool status: %w", err))
		return
	}
	writeJSON(w, st)
}

// serveScreen returns the whole screen of the instance named by the
// instance query parameter.
func (d *Dashboard) serveScreen(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("instance")
	view, err := d.pool.Screen(id)
	if err != nil {
		d.fail(w, statusOf(err), fmt.Errorf("read the screen of instance %q: %w", id, err))
		return
	}
	writeJSON(w, view)
}

// serveStream sends the latest snapshot as a server-sent event named
// snapshot, and a new one whenever the pool changes, until the client
// goes away or the server shuts down.
func (d *Dashboard) serveStream(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		d.fail(w, http.StatusInternalServerError, errors.New("the connection cannot stream events"))
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	keepAlive := time.NewTicker(keepAliveInterval)
	defer keepAlive.Stop()
	var sent uint64
	for {
		data, version, changed := d.latest()
		if version != sent {
			if _, err := fmt.Fprintf(w, "event: snapshot\ndata: %s\n\n", data); err != nil {
				return
			}
			flusher.Flush()
			sent = version
		}
		select {
		case <-r.Context().Done():
			return
		case <-changed:
		case <-keepAlive.C:
			if _, err := io.WriteString(w, ": keep-alive\n\n"); err != nil {
				return
			}
			flusher.Flush()
		}
	}
}

// killReason is the kill reason of instances killed from the page.
const killReason = "requested from the dashboard"

// killRequest is the body of POST api/kill.
type killRequest struct {
	InstanceID string `json:"instance_id"`
	// Requeue queues the task again. Without it the task is cancelled.
	Requeue bool `json:"requeue"`
}

func (d *Dashboard) serveKill(w http.ResponseWriter, r *http.Request) {
	var req killRequest
	if !d.decode(w, r, &req) {
		return
	}
	d.log.Info("kill requested from the dashboard", zap.String("instance", req.InstanceID), zap.Bool("requeue", req.Requeue))
	res, err := d.pool.Kill(req.InstanceID, killReason, req.Requeue)
	if err != nil {
		d.fail(w, statusOf(err), fmt.Errorf("kill instance %q: %w", req.InstanceID, err))
		return
	}
	d.wake()
	writeJSON(w, res)
}

// sendRequest is the body of POST api/send.
type sendRequest struct {
	InstanceID string   `json:"instance_id"`
	Text       string   `json:"text"`
	Keys       []string `json:"keys"`
}

// sendResult is the response body of POST api/send.
type sendResult struct {
	Written int `json:"written"`
}

func (d *Dashboard) serveSend(w http.ResponseWriter, r *http.Request) {
	var req sendRequest
	if !d.decode(w, r, &req) {
		return
	}
	n, err := d.pool.Intervene(r.Context(), req.InstanceID, req.Text, req.Keys)
	if err != nil {
		d.fail(w, statusOf(err), fmt.Errorf("send text to instance %q: %w", req.InstanceID, err))
		return
	}
	writeJSON(w, sendResult{Written: n})
}

// decode reads a JSON body into v. It requires the JSON content type, so
// that a page on another site cannot post a form without a CORS
// preflight, which this server never grants.
func (d *Dashboard) decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mediaType != "application/json" {
		d.fail(w, http.StatusUnsupportedMediaType, fmt.Errorf("content type %q is not supported: send application/json",
			r.Header.Get("Content-Type")))
		return false
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		d.fail(w, http.StatusBadRequest, fmt.Errorf("invalid JSON body: %w", err))
		return false
	}
	return true
}

// wake samples the pool at once after an action, so the page shows its
// effect without waiting for the next tick.
func (d *Dashboard) wake() {
	if err := d.Sample(); err != nil {
		d.log.Warn("dashboard sample failed", zap.Error(err))
	}
}

func (d *Dashboard) fail(w http.ResponseWriter, code int, err error) {
	d.log.Warn("dashboard request failed", zap.Int("status", code), zap.Error(err))
	http.Error(w, err.Error(), code)
}

// statusOf maps a pool error to an HTTP status.
func statusOf(err error) int {
	switch {
	case errors.Is(err, executor.ErrInstanceNotFound):
		return http.StatusNotFound
	case errors.Is(err, executor.ErrInstanceEnded):
		return http.StatusConflict
	default:
		return http.StatusBadRequest
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}
