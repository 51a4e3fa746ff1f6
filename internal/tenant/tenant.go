// Package tenant carries the calling AWS account and region on a context.
// The edge sets it after authentication; services and stores require it.
package tenant

import (
	"context"

	"github.com/agentcore-dev/agentcore/internal/errs"
)

// Tenant is the account and region a request acts in.
type Tenant struct {
	Account string
	Region  string
}

type ctxKey struct{}

// With returns ctx carrying t.
func With(ctx context.Context, t Tenant) context.Context {
	return context.WithValue(ctx, ctxKey{}, t)
}

// From returns the tenant on ctx, or an Internal error when none was set.
func From(ctx context.Context) (Tenant, error) {
	t, ok := ctx.Value(ctxKey{}).(Tenant)
	if !ok || t.Account == "" {
		return Tenant{}, errs.E(errs.Internal, "no tenant on context")
	}
	return t, nil
}
