package httpapi

import (
	"context"
	"net/http"

	"github.com/agentcore-dev/agentcore/internal/runtime"
)

// The runtime's inbound authorizer (SigV4 or customJWTAuthorizer) is
// applied by internal/runtime/invokehttp to what the edge authenticated.

// CallerOf is how the edge authenticated the request of ctx (auth.go), for
// the runtime's inbound authorizer.
func CallerOf(ctx context.Context) runtime.Caller {
	c := callerOf(ctx)
	return runtime.Caller{SigV4: c.SigV4, Bearer: c.Bearer}
}

// protectedResourceMetadata is GetRuntimeProtectedResourceMetadata (RFC
// 9728 metadata of a JWT runtime). Unauthenticated, like the challenge.
func (s *Server) protectedResourceMetadata(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	tg := runtime.Target{ARN: p["agentRuntimeArn"], Qualifier: r.URL.Query().Get("qualifier")}
	return s.cfg.RuntimeData.ProtectedResourceMetadata(ctx, w, r, tg)
}
