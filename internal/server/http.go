package server

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/agentcore-dev/agentcore/internal/artifact"
	"github.com/agentcore-dev/agentcore/internal/gateway"
	"github.com/agentcore-dev/agentcore/internal/gateway/mcpserver"
	"github.com/agentcore-dev/agentcore/internal/httpapi"
	"github.com/agentcore-dev/agentcore/internal/idempotency"
	"github.com/agentcore-dev/agentcore/internal/observability"
	"github.com/agentcore-dev/agentcore/internal/observability/otlphttp"
	"github.com/agentcore-dev/agentcore/internal/policy"
	"github.com/agentcore-dev/agentcore/internal/tagging"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

// edgeConfig hands the services to the AWS edge, with the protocol servers
// it mounts on its route table: the gateways' MCP server and the OTLP/HTTP
// receiver (nil when their service is off, so their routes are absent).
func (s *Server) edgeConfig(gw *gateway.Service, pol *policy.Service, tags *tagging.Service, artifacts artifact.Store) httpapi.Config {
	lg := s.cfg.Logger
	cfg := httpapi.Config{
		Memory:  s.memory,
		Gateway: gw, Policy: pol,
		Runtime: s.runtime, Sessions: s.sessions, Tags: tags, Idempotency: idempotency.New(s.kv),
		Artifacts: artifacts, Logger: lg, Tenant: tenant.Tenant{Account: s.cfg.Account, Region: s.cfg.Region},
		InvokeTimeout: int64(s.cfg.InvokeTimeout),
		Observability: s.obs,
		Telemetry:     s.tel,
		SigV4:         s.idp.verifier, JWT: s.idp.jwt, Identity: s.idp.svc,
	}
	if gw != nil {
		iam := s.cfg.GatewayIAM
		if iam == nil {
			iam = s.idp.gatewayIAM(s.cfg.Account)
		}
		cfg.GatewayMCP = mcpserver.New(mcpserver.Options{Gateway: gw, IAM: iam, DisableFastPath: s.cfg.DisableGatewayFastPath, Logger: lg})
	}
	if s.obs != nil {
		cfg.OTLP = otlphttp.NewReceiver(s.obs, observability.Tag{Account: s.cfg.Account}, lg)
	}
	return cfg
}

// serveHTTP starts serving the edge on ln; its closer drains requests.
func (s *Server) serveHTTP(ln net.Listener, cfg httpapi.Config) {
	lg := s.cfg.Logger
	s.http = &http.Server{Handler: httpapi.New(cfg), ReadHeaderTimeout: 30 * time.Second, ErrorLog: slog.NewLogLogger(lg.Handler(), slog.LevelDebug)}
	go func() {
		err := s.http.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		s.done <- err
	}()
	s.closers.push("http", func(ctx context.Context) error {
		s.tel.ForceFlush(ctx) //nolint:errcheck // best effort
		err := s.http.Shutdown(ctx)
		if err != nil {
			s.http.Close()
		}
		return err
	})
	lg.Info("agentcore server listening", "url", s.url, "dataDir", s.cfg.DataDir, "region", s.cfg.Region, "account", s.cfg.Account)
}
