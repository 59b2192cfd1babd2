package bench

import (
	"context"
	"errors"
)

// PoolOverhead is not built yet.
func PoolOverhead(ctx context.Context, env *Env) (Result, error) {
	return Result{}, errors.New("pool: not built yet")
}
