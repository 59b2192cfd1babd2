package bench

import (
	"context"
	"errors"
)

// StatusLatency is not built yet.
func StatusLatency(ctx context.Context, env *Env) (Result, error) {
	return Result{}, errors.New("status: not built yet")
}
