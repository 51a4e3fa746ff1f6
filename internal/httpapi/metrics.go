package httpapi

import (
	"context"
	"net/http"
	"strings"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/runtime"
)

// GET /metrics: the Prometheus exposition of the server's metrics (text
// format unless the scraper negotiates protobuf; Config.Telemetry).
func (s *Server) metricsRoutes() []route {
	return []route{
		{Method: "GET", Path: "/metrics", Op: "GetMetrics", H: s.getMetrics, Auth: authLoopback},
		{Method: "HEAD", Path: "/metrics", Op: "GetMetrics", H: s.getMetrics, Auth: authLoopback},
	}
}

func (s *Server) getMetrics(_ context.Context, w http.ResponseWriter, r *http.Request, _ params) error {
	s.cfg.Telemetry.Metrics.Handler().ServeHTTP(w, r)
	return nil
}

// The OTLP/HTTP receiver (Config.OTLP) answers in its own protocol
// (google.rpc.Status errors, 405 for other methods).
func (s *Server) otlpRoutes() []route {
	h := func(_ context.Context, w http.ResponseWriter, r *http.Request, _ params) error {
		s.cfg.OTLP.ServeHTTP(w, r)
		return nil
	}
	return []route{
		{Method: anyMethod, Path: "/v1/traces", Op: "ExportTraces", H: h, Auth: authLoopback},
		{Method: anyMethod, Path: "/v1/logs", Op: "ExportLogs", H: h, Auth: authLoopback},
		{Method: anyMethod, Path: "/v1/metrics", Op: "ExportMetrics", H: h, Auth: authLoopback},
	}
}

// errorType is the AWS error type err is sent as.
func errorType(err error) string {
	if row, ok := errorTable[classify(err).Kind]; ok {
		return row.Type
	}
	return errorTable[errs.Internal].Type
}

// invokeLabels are the runtime id and endpoint metric labels of a target
// (arn:...:runtime/ID[/runtime-endpoint/NAME] or a bare id), bounded to
// valid names ("invalid" otherwise). No regexp: it runs on every invocation.
func invokeLabels(tg runtime.Target) (id, endpoint string) {
	id, endpoint = tg.ARN, tg.Qualifier
	if i := strings.Index(id, ":runtime/"); i >= 0 && strings.HasPrefix(id, "arn:") {
		var ep string
		id, ep, _ = strings.Cut(id[i+len(":runtime/"):], "/runtime-endpoint/")
		if endpoint == "" {
			endpoint = ep
		}
	}
	if !validName(id, 111) || !strings.Contains(id, "-") {
		id = "invalid"
	}
	if endpoint == "" {
		endpoint = runtime.DefaultEndpoint
	} else if !validName(endpoint, 48) {
		endpoint = "invalid"
	}
	return id, endpoint
}

func validName(s string, max int) bool {
	if s == "" || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// agentName is the runtime name inside a runtime id (name-XXXXXXXXXX).
func agentName(id string) string {
	if i := strings.LastIndexByte(id, '-'); i > 0 {
		return id[:i]
	}
	return id
}
