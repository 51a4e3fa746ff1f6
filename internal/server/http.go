package server

import (
	"context"
	"errors"
	"github.com/agentcore-dev/agentcore/internal/browser/streams"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/agentcore-dev/agentcore/internal/artifact"
	"github.com/agentcore-dev/agentcore/internal/console"
	"github.com/agentcore-dev/agentcore/internal/consoleauth"
	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/gateway"
	"github.com/agentcore-dev/agentcore/internal/gateway/mcpserver"
	"github.com/agentcore-dev/agentcore/internal/httpapi"
	"github.com/agentcore-dev/agentcore/internal/idempotency"
	"github.com/agentcore-dev/agentcore/internal/observability"
	"github.com/agentcore-dev/agentcore/internal/observability/otlphttp"
	"github.com/agentcore-dev/agentcore/internal/openaicompat"
	"github.com/agentcore-dev/agentcore/internal/policy"
	"github.com/agentcore-dev/agentcore/internal/runtime"
	"github.com/agentcore-dev/agentcore/internal/runtime/invokehttp"
	"github.com/agentcore-dev/agentcore/internal/tagging"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

// newEdge builds the AWS edge over the services, with the protocol servers
// it mounts on its route table: the runtime data plane and the OpenAI front
// door (which use the edge's caller, span and error-table hooks), the
// gateways' MCP server and the OTLP/HTTP receiver (nil when their service
// is off, so their routes are absent).
func (s *Server) newEdge(gw *gateway.Service, pol *policy.Service, tags *tagging.Service, artifacts artifact.Store) *httpapi.Server {
	lg := s.cfg.Logger
	trusted, _ := s.cfg.TrustedProxyPrefixes() // checked by config.Validate
	cfg := httpapi.Config{
		Memory: s.memory, CodeInterpreter: s.codeInterp, Browser: s.browser, Evaluation: s.evaluation, OnlineEvaluation: s.onlineEval,
		Datasets: s.evalDatasets, Batches: s.evalBatches,
		Gateway: gw, Policy: pol,
		Runtime: s.runtime, Sessions: s.sessions, Tags: tags, Idempotency: idempotency.New(s.kv),
		Artifacts: artifacts, Logger: lg, Tenant: tenant.Tenant{Account: s.cfg.Account, Region: s.cfg.Region},
		InvokeTimeout: int64(s.cfg.InvokeTimeout), MaxPayload: s.cfg.MaxPayloadSize,
		MaxRequestRate: s.cfg.MaxRequestRate, MaxInvokeRate: s.cfg.MaxInvokeRate, TrustedProxies: trusted,
		Observability: s.obs,
		Telemetry:     s.tel,
		SigV4:         s.idp.verifier, JWT: s.idp.jwt, Identity: s.idp.svc,
		ClusterSecret: []byte(s.cfg.ClusterSecret),
	}
	if s.replicated() {
		cfg.Replicas = s.cluster // Code Interpreter and Browser sessions are forwarded to their replica
	}
	if s.idp.verifier != nil && !s.cfg.DisableConsole { // console sign-in with the configured access keys (internal/consoleauth)
		cfg.ConsoleSessions = consoleauth.New(consoleauth.Options{KV: s.kv, Lookup: s.idp.keys.Lookup, Lifetime: s.cfg.ConsoleSessionLifetime,
			Logger: lg.With("component", "consoleauth")})
	}
	if gw != nil {
		iam := s.cfg.GatewayIAM
		if iam == nil {
			iam = s.idp.gatewayIAM(s.cfg.Account)
		}
		cfg.GatewayMCP = mcpserver.New(mcpserver.Options{Gateway: gw, IAM: iam, DisableFastPath: s.cfg.DisableGatewayFastPath, Logger: lg})
	}
	if s.browser != nil {
		bs := streams.New(streams.Config{Service: s.browser, Artifacts: artifacts, Logger: lg.With("component", "browserstreams")})
		s.closers.push("browser streams", bs.Close)
		s.browser.OnRecordedSession(bs.Record)
		cfg.BrowserStreams = bs
	}
	if !s.cfg.DisableConsole {
		cfg.Console = console.New()
	}
	if s.obs != nil {
		cfg.OTLP = otlphttp.NewReceiver(s.obs, observability.Tag{Account: s.cfg.Account}, lg)
	}
	var edge *httpapi.Server // the hooks run per request, once New has returned
	observe := func(ctx context.Context, w http.ResponseWriter, r *http.Request, tg runtime.Target) (context.Context, invokehttp.Observation) {
		return edge.StartInvoke(ctx, w, r, tg)
	}
	data := invokehttp.Config{
		Runtime: s.runtime, Logger: lg.With("component", "invokehttp"), Timeout: s.cfg.InvokeTimeout, MaxPayload: s.cfg.MaxPayloadSize,
		Caller: httpapi.CallerOf, SigV4Required: s.idp.verifier != nil, JWT: s.idp.jwt, Observe: observe,
		Shape: func(err error) errs.Shape { return edge.ErrorShape("InvokeAgentRuntime", err) },
	}
	if s.idp.svc != nil {
		data.WAT = s.idp.svc.InvocationWAT
	}
	relay := invokehttp.New(data)
	cfg.RuntimeData = relay
	cfg.OpenAI = openaicompat.New(openaicompat.Config{
		Runtime: s.runtime, Agent: relay, Timeout: s.cfg.InvokeTimeout, MaxPayload: s.cfg.MaxPayloadSize, Caller: httpapi.CallerOf, Observe: observe,
		Shape: func(err error) errs.Shape { return edge.ErrorShape("ChatCompletions", err) },
	})
	edge = httpapi.New(cfg)
	return edge
}

// serveHTTP starts serving the edge on ln; its closer drains requests.
func (s *Server) serveHTTP(ln net.Listener, edge http.Handler) {
	lg := s.cfg.Logger
	edge = httpapi.GuardBodies(edge, httpapi.BodyLimits{Max: s.cfg.MaxPayloadSize}, lg) // body bounds and read deadlines (issue 20)
	s.http = &http.Server{Handler: edge, ReadHeaderTimeout: 30 * time.Second, IdleTimeout: 5 * time.Minute, ErrorLog: slog.NewLogLogger(lg.Handler(), slog.LevelDebug)}
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
