package bench

import (
	"context"
	"errors"
)

// Memory is not built yet.
func Memory(ctx context.Context, env *Env) (Result, error) {
	return Result{}, errors.New("memory: not built yet")
}
