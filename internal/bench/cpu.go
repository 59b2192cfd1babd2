package bench

import (
	"context"
	"errors"
)

// ServerCPU is not built yet.
func ServerCPU(ctx context.Context, env *Env) (Result, error) {
	return Result{}, errors.New("cpu: not built yet")
}
