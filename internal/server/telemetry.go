package server

import (
	"context"
	"fmt"
	"net"

	"github.com/agentcore-dev/agentcore/internal/observability"
	"github.com/agentcore-dev/agentcore/internal/observability/otlphttp"
	"github.com/agentcore-dev/agentcore/internal/observability/sdkexport"
	"github.com/agentcore-dev/agentcore/internal/otlpgrpc"
	"github.com/agentcore-dev/agentcore/internal/telemetry"
)

// startObservability opens the span and log store when the store keeps
// telemetry (nil otherwise) and the OTLP/gRPC receiver when configured.
func (s *Server) startObservability() (*observability.Service, net.Listener, error) {
	cfg := s.cfg
	ost, ok := s.kv.(observability.Store)
	if !ok {
		return nil, nil, nil
	}
	opt := observability.Options{Store: ost, Retention: cfg.Retention, Logger: cfg.Logger, OnSpans: s.countTokens, Leader: s.leases.Leader()}
	if cfg.OTLPExport != "" {
		opt.Export = otlphttp.New(cfg.OTLPExport)
	}
	obs := observability.New(opt)
	s.closers.push("observability", func(context.Context) error { return obs.Close() }) // after the runtime: stores the agents' last log lines
	if cfg.OTLPGRPCListen == "" {
		return obs, nil, nil
	}
	ln, err := net.Listen("tcp", cfg.OTLPGRPCListen)
	if err != nil {
		return nil, nil, fmt.Errorf("OTLP/gRPC listener: %w", err)
	}
	srv := otlpgrpc.New(obs, observability.Tag{Account: cfg.Account}, cfg.Logger)
	go srv.Serve(ln) //nolint:errcheck // ends with Stop
	s.closers.push("OTLP/gRPC receiver", func(context.Context) error { srv.Stop(); return nil })
	return obs, ln, nil
}

// startTelemetry starts the platform's tracer and metrics. Its spans are
// stored in process (observability) and exported over OTLP to --otlp-export;
// --trace-export overrides both.
func (s *Server) startTelemetry(ctx context.Context) (*telemetry.Telemetry, error) {
	cfg := s.cfg
	topt := telemetry.Options{Tracing: !cfg.DisableTracing, Logger: cfg.Logger}
	switch {
	case cfg.TraceExport == "none":
	case cfg.TraceExport != "":
		topt.Endpoint = cfg.TraceExport
	default:
		if s.obs != nil {
			topt.Local = &sdkexport.SpanExporter{Account: cfg.Account, Service: s.obs}
		}
		if cfg.OTLPExport != "" {
			topt.Endpoint = otlphttp.New(cfg.OTLPExport).URL + "/v1/traces"
		}
	}
	tel, err := telemetry.New(topt)
	if err != nil {
		return nil, err
	}
	s.closers.push("telemetry", func(ctx context.Context) error {
		tel.Shutdown(ctx) //nolint:errcheck // spans ended during shutdown may be lost
		return nil
	})
	if obs := s.obs; obs != nil {
		tel.Metrics.AddDropSource(telemetry.DropSource{Signal: "logs", Reason: "queue_full", Count: func() int64 { return obs.Stats().DroppedLogs }})
		tel.Metrics.AddDropSource(telemetry.DropSource{Signal: "spans", Reason: "store_queue_full", Count: func() int64 { return obs.Stats().DroppedSpans }})
		tel.Metrics.AddDropSource(telemetry.DropSource{Signal: "batches", Reason: "forward_failed", Count: func() int64 { return obs.Stats().Dropped }})
	}
	if cfg.OTLPExport != "" {
		stop, err := tel.Metrics.ExportMetrics(ctx, otlphttp.New(cfg.OTLPExport).URL+"/v1/metrics", cfg.MetricsInterval, "")
		if err != nil {
			return nil, err
		}
		s.closers.push("OTLP metrics push", func(ctx context.Context) error {
			stop(ctx) //nolint:errcheck // last push is best effort
			return nil
		})
	}
	return tel, nil
}
