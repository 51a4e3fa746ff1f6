package otlphttp

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/agentcore-dev/agentcore/internal/observability"

	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	colmetricspb "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// OTLP/JSON differs from the canonical protobuf JSON mapping in one way that
// matters: trace and span ids are hex strings, not base64. These decoders
// rewrite the id fields and then use protojson (which accepts both field
// name styles and enum numbers).

// decodeTracesJSON decodes an OTLP/JSON traces request.
func decodeTracesJSON(b []byte) (*coltracepb.ExportTraceServiceRequest, error) {
	req := &coltracepb.ExportTraceServiceRequest{}
	return req, decodeOTLPJSON(b, req)
}

// decodeLogsJSON decodes an OTLP/JSON logs request.
func decodeLogsJSON(b []byte) (*collogspb.ExportLogsServiceRequest, error) {
	req := &collogspb.ExportLogsServiceRequest{}
	return req, decodeOTLPJSON(b, req)
}

func decodeOTLPJSON(b []byte, m proto.Message) error {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return fmt.Errorf("%w: %v", observability.ErrInvalid, err)
	}
	if err := hexIDs(v, 0); err != nil {
		return err
	}
	fixed, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("%w: %v", observability.ErrInvalid, err)
	}
	if err := (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(fixed, m); err != nil {
		return fmt.Errorf("%w: %v", observability.ErrInvalid, err)
	}
	return nil
}

var idKeys = map[string]bool{"traceId": true, "trace_id": true, "spanId": true, "span_id": true,
	"parentSpanId": true, "parent_span_id": true}

// hexIDs rewrites hex id strings as base64 in place. A string that is not
// hex is left for protojson (it may be base64 already; a malformed one is
// rejected there or, if the wrong length, as a span).
func hexIDs(v any, depth int) error {
	if depth > 64 {
		return fmt.Errorf("%w: JSON nested too deeply", observability.ErrInvalid)
	}
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if s, ok := e.(string); ok && idKeys[k] {
				if b, err := hex.DecodeString(s); err == nil {
					x[k] = base64.StdEncoding.EncodeToString(b)
				}
				continue
			}
			if err := hexIDs(e, depth+1); err != nil {
				return err
			}
		}
	case []any:
		for _, e := range x {
			if err := hexIDs(e, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

// decodeMetricsJSON decodes an OTLP/JSON metrics request.
func decodeMetricsJSON(b []byte) (*colmetricspb.ExportMetricsServiceRequest, error) {
	req := &colmetricspb.ExportMetricsServiceRequest{}
	return req, decodeOTLPJSON(b, req)
}
