package observability

import commonpb "go.opentelemetry.io/proto/otlp/common/v1"

// Attributes the service adds at ingest so the ADOT documents can be rebuilt
// (ADOTSpan / ADOTLog move them back out of the attributes).
const (
	AttrScopeName    = "otel.scope.name"    // the instrumentation scope's name
	AttrScopeVersion = "otel.scope.version" // and version
	AttrBodyJSON     = "otel.body.json"     // the log record's Body is a JSON kvlist/array body
	bodyExtraDepth   = 4                    // log bodies nest deeper than attributes (input.messages[].content.*)
)

// withScope records the instrumentation scope in attrs.
func withScope(attrs map[string]any, sc *commonpb.InstrumentationScope) map[string]any {
	if sc.GetName() == "" && sc.GetVersion() == "" {
		return attrs
	}
	if attrs == nil {
		attrs = map[string]any{}
	}
	if n := sc.GetName(); n != "" {
		attrs[AttrScopeName] = n
	}
	if v := sc.GetVersion(); v != "" {
		attrs[AttrScopeVersion] = v
	}
	return attrs
}
