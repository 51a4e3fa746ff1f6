// Package otlpgrpc is the OTLP/gRPC receiver (the collector trace, logs and
// metrics services, as OpenTelemetry SDKs' default gRPC exporters call
// them on port 4317), feeding the same observability service as the
// OTLP/HTTP receiver in internal/observability/otlphttp.
package otlpgrpc

import (
	"context"
	"errors"
	"log/slog"
	"net"

	"github.com/agentcore-dev/agentcore/internal/observability"
	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	colmetricspb "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

// MaxMessage bounds one export request (as the OTLP/HTTP receiver does).
const MaxMessage = 32 << 20

// Server serves the three OTLP collector services.
type Server struct {
	g *grpc.Server
}

// New builds the gRPC server; tag says whose data it receives (the
// platform's account for the shared endpoint).
func New(obs *observability.Service, tag observability.Tag, lg *slog.Logger) *Server {
	if lg == nil {
		lg = slog.New(slog.DiscardHandler)
	}
	g := grpc.NewServer(grpc.MaxRecvMsgSize(MaxMessage))
	r := &receiver{obs: obs, tag: tag, log: lg.With("component", "otlpgrpc")}
	coltracepb.RegisterTraceServiceServer(g, traces{receiver: r})
	collogspb.RegisterLogsServiceServer(g, logs{receiver: r})
	colmetricspb.RegisterMetricsServiceServer(g, metrics{receiver: r})
	return &Server{g: g}
}

// Serve accepts connections on ln until Stop.
func (s *Server) Serve(ln net.Listener) error {
	err := s.g.Serve(ln)
	if errors.Is(err, grpc.ErrServerStopped) {
		return nil
	}
	return err
}

// Stop ends every connection.
func (s *Server) Stop() { s.g.Stop() }

type receiver struct {
	obs *observability.Service
	tag observability.Tag
	log *slog.Logger
}

// grpcErr maps an ingest error: malformed data is InvalidArgument (not
// retryable), a store failure Unavailable (the exporter retries).
func (r *receiver) grpcErr(err error) error {
	if errors.Is(err, observability.ErrInvalid) {
		return status.Error(codes.InvalidArgument, err.Error())
	}
	r.log.Warn("OTLP ingest failed", "error", err)
	return status.Error(codes.Unavailable, "telemetry could not be stored; retry later")
}

type traces struct {
	*receiver
	coltracepb.UnimplementedTraceServiceServer
}

func (t traces) Export(ctx context.Context, req *coltracepb.ExportTraceServiceRequest) (*coltracepb.ExportTraceServiceResponse, error) {
	n, err := t.obs.IngestTraces(ctx, req.GetResourceSpans(), t.tag)
	if err != nil {
		return nil, t.grpcErr(err)
	}
	resp := &coltracepb.ExportTraceServiceResponse{}
	if n > 0 {
		resp.PartialSuccess = &coltracepb.ExportTracePartialSuccess{RejectedSpans: n,
			ErrorMessage: "spans with missing or malformed trace/span ids, or beyond the per-request limit, were rejected"}
	}
	return resp, nil
}

type logs struct {
	*receiver
	collogspb.UnimplementedLogsServiceServer
}

func (l logs) Export(ctx context.Context, req *collogspb.ExportLogsServiceRequest) (*collogspb.ExportLogsServiceResponse, error) {
	n, err := l.obs.IngestLogs(ctx, req.GetResourceLogs(), l.tag)
	if err != nil {
		return nil, l.grpcErr(err)
	}
	resp := &collogspb.ExportLogsServiceResponse{}
	if n > 0 {
		resp.PartialSuccess = &collogspb.ExportLogsPartialSuccess{RejectedLogRecords: n,
			ErrorMessage: "log records with malformed trace/span ids, or beyond the per-request limit, were rejected"}
	}
	return resp, nil
}

type metrics struct {
	*receiver
	colmetricspb.UnimplementedMetricsServiceServer
}

func (m metrics) Export(_ context.Context, req *colmetricspb.ExportMetricsServiceRequest) (*colmetricspb.ExportMetricsServiceResponse, error) {
	body, err := proto.Marshal(req)
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	m.obs.CountMetrics(body)
	return &colmetricspb.ExportMetricsServiceResponse{}, nil
}
