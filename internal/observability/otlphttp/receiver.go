package otlphttp

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/agentcore-dev/agentcore/internal/observability"
	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	colmetricspb "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// maxOTLPBody bounds one OTLP request body, after decompression.
const maxOTLPBody = 16 << 20

// isSignalPath reports the OTLP/HTTP receiver paths.
func isSignalPath(p string) bool {
	return p == "/v1/traces" || p == "/v1/logs" || p == "/v1/metrics"
}

// NewReceiver returns an OTLP/HTTP receiver (POST /v1/traces, /v1/logs,
// /v1/metrics; protobuf or JSON; optionally gzip-compressed) that files
// everything it receives under tag. The platform listener serves it with the
// account only; per-session listeners mount it with the session and runtime,
// which then override whatever the payload claims.
func NewReceiver(obs *observability.Service, tag observability.Tag, lg *slog.Logger) http.Handler {
	if lg == nil {
		lg = slog.New(slog.DiscardHandler)
	}
	return &otlpHandler{obs: obs, tag: tag, log: lg.With("component", "otlp")}
}

type otlpHandler struct {
	obs *observability.Service
	tag observability.Tag
	log *slog.Logger
}

func (h *otlpHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	signal := path.Base(r.URL.Path)
	if !isSignalPath("/v1/"+signal) || !strings.HasSuffix(r.URL.Path, "/v1/"+signal) {
		otlpStatus(w, false, http.StatusNotFound, "no OTLP signal at "+r.URL.Path)
		return
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	isJSON := ct == "application/json"
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		otlpStatus(w, isJSON, http.StatusMethodNotAllowed, "OTLP export requests are POSTs")
		return
	}
	if ct != "application/x-protobuf" && !isJSON {
		otlpStatus(w, false, http.StatusUnsupportedMediaType, fmt.Sprintf("unsupported content type %q: use application/x-protobuf or application/json", ct))
		return
	}
	body, code, err := readOTLPBody(w, r)
	if err != nil {
		otlpStatus(w, isJSON, code, err.Error())
		return
	}
	resp, err := h.ingest(r.Context(), signal, body, isJSON)
	if errors.Is(err, observability.ErrInvalid) {
		otlpStatus(w, isJSON, http.StatusBadRequest, err.Error())
		return
	}
	if err != nil {
		h.log.Warn("OTLP ingest failed", "signal", signal, "error", err)
		otlpStatus(w, isJSON, http.StatusServiceUnavailable, "storing telemetry failed; retry later")
		return
	}
	otlpWrite(w, isJSON, http.StatusOK, resp)
}

// readOTLPBody reads the (possibly gzip-encoded) body within the bound.
func readOTLPBody(w http.ResponseWriter, r *http.Request) ([]byte, int, error) {
	var rd io.Reader = http.MaxBytesReader(w, r.Body, maxOTLPBody)
	switch enc := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
	case "gzip":
		zr, err := gzip.NewReader(rd)
		if err != nil {
			return nil, http.StatusBadRequest, fmt.Errorf("invalid gzip body: %v", err)
		}
		defer zr.Close()
		rd = zr
	default:
		return nil, http.StatusUnsupportedMediaType, fmt.Errorf("unsupported content encoding %q: use gzip or none", enc)
	}
	body, err := io.ReadAll(io.LimitReader(rd, maxOTLPBody+1))
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe) || len(body) > maxOTLPBody:
		return nil, http.StatusRequestEntityTooLarge, fmt.Errorf("OTLP body larger than %d bytes", maxOTLPBody)
	case err != nil:
		return nil, http.StatusBadRequest, fmt.Errorf("reading body: %v", err)
	}
	return body, 0, nil
}

// ingest decodes body as the signal's request and hands it to the service.
func (h *otlpHandler) ingest(ctx context.Context, signal string, body []byte, isJSON bool) (proto.Message, error) {
	bad := func(err error) error { return fmt.Errorf("%w: %v", observability.ErrInvalid, err) }
	switch signal {
	case observability.SignalTraces:
		req := &coltracepb.ExportTraceServiceRequest{}
		var err error
		if isJSON {
			req, err = decodeTracesJSON(body)
		} else if err = proto.Unmarshal(body, req); err != nil {
			err = bad(err)
		}
		if err != nil {
			return nil, err
		}
		n, err := h.obs.IngestTraces(ctx, req.GetResourceSpans(), h.tag)
		resp := &coltracepb.ExportTraceServiceResponse{}
		if n > 0 {
			resp.PartialSuccess = &coltracepb.ExportTracePartialSuccess{RejectedSpans: n,
				ErrorMessage: "spans with missing or malformed trace/span ids, or beyond the per-request limit, were rejected"}
		}
		return resp, err
	case observability.SignalLogs:
		req := &collogspb.ExportLogsServiceRequest{}
		var err error
		if isJSON {
			req, err = decodeLogsJSON(body)
		} else if err = proto.Unmarshal(body, req); err != nil {
			err = bad(err)
		}
		if err != nil {
			return nil, err
		}
		n, err := h.obs.IngestLogs(ctx, req.GetResourceLogs(), h.tag)
		resp := &collogspb.ExportLogsServiceResponse{}
		if n > 0 {
			resp.PartialSuccess = &collogspb.ExportLogsPartialSuccess{RejectedLogRecords: n,
				ErrorMessage: "log records with malformed trace/span ids, or beyond the per-request limit, were rejected"}
		}
		return resp, err
	default:
		req := &colmetricspb.ExportMetricsServiceRequest{}
		var err error
		if isJSON {
			if req, err = decodeMetricsJSON(body); err == nil {
				body, err = proto.Marshal(req)
			}
		} else if err = proto.Unmarshal(body, req); err != nil {
			err = bad(err)
		}
		if err != nil {
			return nil, err
		}
		h.obs.CountMetrics(body)
		return &colmetricspb.ExportMetricsServiceResponse{}, nil
	}
}

// otlpStatus writes an OTLP error response: a google.rpc.Status.
func otlpStatus(w http.ResponseWriter, isJSON bool, code int, msg string) {
	otlpWrite(w, isJSON, code, &spb.Status{Code: grpcCode(code), Message: msg})
}

func otlpWrite(w http.ResponseWriter, isJSON bool, code int, m proto.Message) {
	var b []byte
	if isJSON {
		w.Header().Set("Content-Type", "application/json")
		b, _ = protojson.Marshal(m)
	} else {
		w.Header().Set("Content-Type", "application/x-protobuf")
		b, _ = proto.Marshal(m)
	}
	w.WriteHeader(code)
	w.Write(b)
}

// grpcCode maps an HTTP status to the google.rpc.Code in Status bodies.
func grpcCode(http int) int32 {
	switch http {
	case 400, 413, 415:
		return 3 // INVALID_ARGUMENT
	case 404:
		return 5 // NOT_FOUND
	case 405:
		return 12 // UNIMPLEMENTED
	case 503:
		return 14 // UNAVAILABLE
	}
	return 13 // INTERNAL
}
