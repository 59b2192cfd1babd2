package app

import (
	"context"
	"net/http"
	"sync"

	"go.uber.org/zap"

	"github.com/axiom-mcp/axiom-mcp/pkg/dashboard"
	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
)

// mountDashboard serves the dashboard of pool under dashboard.Prefix on
// mux, with a redirect from "/", and samples the pool until ctx is done.
// The returned function waits for the sampler to stop.
func mountDashboard(ctx context.Context, mux *http.ServeMux, pool *executor.Pool, opts HTTPOptions, log *zap.Logger) (wait func()) {
	dash := dashboard.New(pool, dashboard.Guard{Token: opts.Token, AllowedHosts: opts.AllowedHosts}, log)
	mux.Handle(dashboard.Prefix, dash.Handler())
	mux.Handle("GET /{$}", http.RedirectHandler(dashboard.Prefix, http.StatusFound))
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); dash.Run(ctx) }()
	return wg.Wait
}
