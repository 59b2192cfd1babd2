package bench

import (
	"context"
	"errors"
)

// Ingest is not built yet.
func Ingest(ctx context.Context, env *Env) (Result, error) {
	return Result{}, errors.New("ingest: not built yet")
}
