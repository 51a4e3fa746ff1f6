package httpapi

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/runtime"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

// extension serves the documented /_agentcore/ endpoints that AWS does not
// have:
//
//	PUT /_agentcore/artifacts/{bucket}/{key...}  upload a code zip (raw body)
//	GET /_agentcore/artifacts/{bucket}/{key...}  read it back
//	GET /_agentcore/health                       liveness and sandbox driver
//	GET /_agentcore/sessions                     running sessions of the account
//	GET /_agentcore/gateways/{id}/calls          a gateway's latest tool calls and policy decisions
func (s *Server) extension(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
	path := r.URL.EscapedPath()
	switch {
	case path == "/_agentcore/health":
		return writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "sandbox": s.cfg.Sessions.Capabilities(),
			"driver": s.cfg.Sessions.DriverName(), "sessions": s.cfg.Sessions.Count(), "warmPoolReady": s.cfg.Sessions.PooledReady()})
	case path == "/_agentcore/sessions" && r.Method == http.MethodGet:
		acct := s.cfg.Tenant.Account
		if t, err := tenant.From(ctx); err == nil {
			acct = t.Account // the caller's account (Identity)
		}
		sessions := s.cfg.Sessions.List(acct)
		if sessions == nil {
			sessions = []runtime.SessionInfo{}
		}
		return writeJSON(w, http.StatusOK, map[string]any{"sessions": sessions})
	case strings.HasPrefix(path, "/_agentcore/gateways/") && r.Method == http.MethodGet: // Gateway
		return s.gatewayExtension(ctx, w, r)
	case strings.HasPrefix(path, "/_agentcore/artifacts/"):
		rest := strings.TrimPrefix(path, "/_agentcore/artifacts/")
		bucket, key, ok := strings.Cut(rest, "/")
		if !ok {
			return errs.Field("key", "path must be /_agentcore/artifacts/{bucket}/{key}")
		}
		k, err := url.PathUnescape(key)
		if err != nil {
			return errs.Field("key", "object key is not validly escaped")
		}
		return s.artifact(ctx, w, r, bucket, k)
	}
	return errs.E(errs.UnknownOperation, "no agentcore extension at %s", path)
}

func (s *Server) artifact(ctx context.Context, w http.ResponseWriter, r *http.Request, bucket, key string) error {
	switch r.Method {
	case http.MethodPut:
		n, err := s.cfg.Artifacts.Put(ctx, bucket, key, http.MaxBytesReader(w, r.Body, 1<<30))
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, map[string]any{"bucket": bucket, "key": key, "size": n})
	case http.MethodGet:
		rc, size, err := s.cfg.Artifacts.Open(ctx, bucket, key)
		if err != nil {
			return err
		}
		defer rc.Close()
		w.Header().Set("Content-Type", "application/zip")
		w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
		_, err = io.Copy(w, rc)
		return err
	}
	return errs.E(errs.UnknownOperation, "method %s is not supported on artifacts", r.Method)
}
