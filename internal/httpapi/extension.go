package httpapi

import (
	"context"
	"io"
	"net/http"
	"strconv"

	"github.com/agentcore-dev/agentcore/internal/runtime"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

// The documented /_agentcore/ endpoints that AWS does not have (the
// gateway's calls are in routes.go with the gateway, the observability read
// API in observability.go).

// Health and running sessions (Config.Sessions)
func (s *Server) sessionRoutes() []route {
	return []route{
		{Method: "GET", Path: "/_agentcore/health", Op: "GetHealth", H: s.getHealth, Auth: authUnsigned},
		{Method: "GET", Path: "/_agentcore/sessions", Op: "ListRunningSessions", H: s.listRunningSessions, Auth: authLoopback},
	}
}

// Code artifacts (Config.Artifacts): a zip uploaded as the raw body, read
// back as application/zip.
func (s *Server) artifactRoutes() []route {
	return []route{
		{Method: "PUT", Path: "/_agentcore/artifacts/{bucket}/{key+}", Op: "PutArtifact", H: s.putArtifact, Auth: authLoopback},
		{Method: "GET", Path: "/_agentcore/artifacts/{bucket}/{key+}", Op: "GetArtifact", H: s.getArtifact, Auth: authLoopback},
	}
}

// extensionOps are the operations above: their metrics are labelled
// "extension" and their spans named after method and endpoint (tracing.go).
var extensionOps = map[string]bool{"GetHealth": true, "ListRunningSessions": true, "PutArtifact": true, "GetArtifact": true,
	"ListGatewayCalls": true, "ListGatewayTools": true, "CallGatewayTool": true}

// getHealth reports liveness and the sandbox driver.
func (s *Server) getHealth(_ context.Context, w http.ResponseWriter, _ *http.Request, _ params) error {
	return writeJSON(w, http.StatusOK, healthOutput{Status: "ok", Sandbox: s.cfg.Sessions.Capabilities(),
		Driver: s.cfg.Sessions.DriverName(), Sessions: s.cfg.Sessions.Count(), PausedSessions: s.cfg.Sessions.Paused(), WarmPoolReady: s.cfg.Sessions.PooledReady()})
}

// listRunningSessions lists the running sessions of the caller's account.
func (s *Server) listRunningSessions(ctx context.Context, w http.ResponseWriter, _ *http.Request, _ params) error {
	acct := s.cfg.Tenant.Account
	if t, err := tenant.From(ctx); err == nil {
		acct = t.Account // the caller's account (Identity)
	}
	sessions := s.cfg.Sessions.List(acct)
	if sessions == nil {
		sessions = []runtime.SessionInfo{}
	}
	return writeJSON(w, http.StatusOK, runningSessionsOutput{Sessions: sessions})
}

func (s *Server) putArtifact(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	n, err := s.cfg.Artifacts.Put(ctx, p["bucket"], p["key"], http.MaxBytesReader(w, r.Body, 1<<30))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, artifactOutput{Bucket: p["bucket"], Key: p["key"], Size: n})
}

func (s *Server) getArtifact(ctx context.Context, w http.ResponseWriter, _ *http.Request, p params) error {
	rc, size, err := s.cfg.Artifacts.Open(ctx, p["bucket"], p["key"])
	if err != nil {
		return err
	}
	defer rc.Close()
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
	_, err = io.Copy(w, rc)
	return err
}
