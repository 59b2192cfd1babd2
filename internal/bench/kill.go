package bench

import (
	"context"
	"errors"
)

// KillLatency is not built yet.
func KillLatency(ctx context.Context, env *Env) (Result, error) {
	return Result{}, errors.New("kill: not built yet")
}
