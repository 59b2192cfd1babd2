package bench

import (
	"context"
	"errors"
)

// StateDetection is not built yet.
func StateDetection(ctx context.Context, env *Env) (Result, error) {
	return Result{}, errors.New("state: not built yet")
}
