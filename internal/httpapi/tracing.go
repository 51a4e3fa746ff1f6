package httpapi

import (
	"context"
	"net/http"
	"strings"
	"time"

	ci "github.com/agentcore-dev/agentcore/internal/codeinterpreter"
	"github.com/agentcore-dev/agentcore/internal/gateway"
	"github.com/agentcore-dev/agentcore/internal/runtime"
	"github.com/agentcore-dev/agentcore/internal/telemetry"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// Span attributes (semconv v1.41.0 names where one exists; aws.agentcore.*
// and agentcore.* are ours).
const (
	attrRPCSystem     = attribute.Key("rpc.system") // pre-1.38 name, still read by X-Ray/ADOT tooling
	attrRPCSystemName = attribute.Key("rpc.system.name")
	attrRPCService    = attribute.Key("rpc.service")
	attrRPCMethod     = attribute.Key("rpc.method")
	attrAWSRequestID  = attribute.Key("aws.request_id")
	attrHTTPMethod    = attribute.Key("http.request.method")
	attrHTTPStatus    = attribute.Key("http.response.status_code")
	attrErrorType     = attribute.Key("error.type")
)

// dataPlaneOps are the operations of the bedrock-agentcore service; the
// rest of the route table is bedrock-agentcore-control.
var dataPlaneOps = map[string]bool{"InvokeAgentRuntime": true, "StopRuntimeSession": true,
	"InvokeAgentRuntimeCommand": true, "InvokeAgentRuntimeWithWebSocketStream": true,
	"StartCodeInterpreterSession": true, "GetCodeInterpreterSession": true, "ListCodeInterpreterSessions": true,
	"StopCodeInterpreterSession": true, "InvokeCodeInterpreter": true,
	"StartBrowserSession": true, "GetBrowserSession": true, "ListBrowserSessions": true, "StopBrowserSession": true,
	"UpdateBrowserStream": true, "InvokeBrowser": true, "SaveBrowserSessionProfile": true,
	"BrowserAutomationStream": true, "BrowserLiveViewStream": true}

// untraced reports paths that get neither spans nor metrics: the telemetry
// plumbing itself (an exported span must not make another span) and the
// console's static pages (its data calls are traced as any client's).
func untraced(path string) bool {
	return path == "/metrics" || strings.HasPrefix(path, "/v1/") || strings.HasPrefix(path, "/_agentcore/observability/") ||
		path == "/_agentcore/health" || path == "/console" || strings.HasPrefix(path, "/console/")
}

// obsWriter records what the handler sent: status, bytes and the time of
// the first body byte.
type obsWriter struct {
	http.ResponseWriter
	start  time.Time
	first  time.Time
	status int
	bytes  int64
	rec    *telemetry.SpanRecord // the request's span (nil when tracing is off), recorded when it ends
	inv    *InvokeObservation    // the invocation's details, when the request is one
	gwCall *gateway.CallObserver // Gateway: the tool call's record, when the request made one
	ciCall *ci.Call              // Code Interpreter: the tool call, when the request made one
	brOp   *browserTrace         // Browser: the session (and action) the request was about
}

func (o *obsWriter) WriteHeader(code int) {
	if o.status == 0 && code >= 200 {
		o.status = code
	}
	o.ResponseWriter.WriteHeader(code)
}

func (o *obsWriter) Write(b []byte) (int, error) {
	if o.status == 0 {
		o.status = http.StatusOK
	}
	if len(b) > 0 && o.first.IsZero() {
		o.first = time.Now()
	}
	n, err := o.ResponseWriter.Write(b)
	o.bytes += int64(n)
	return n, err
}

// Flush keeps streaming working (http.NewResponseController finds it).
func (o *obsWriter) Flush() {
	if f, ok := o.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (o *obsWriter) Unwrap() http.ResponseWriter { return o.ResponseWriter }

// opTrace is one request's instrumentation.
type opTrace struct {
	tel *telemetry.Telemetry
	w   *obsWriter
	r   *http.Request
	rec telemetry.SpanRecord // valid Context when tracing is on
	op  *string

	// Span attributes, kept as plain values on the request path and turned
	// into attributes when the span is built (AppendAttrs).
	reqID, method, opName, service, errType string
	status                                  int
}

// startOp opens the server span of one API request (parent: the caller's
// traceparent or X-Amzn-Trace-Id), echoes the caller's X-Amzn-Trace-Id (as
// AWS does; none is made up), and returns the
// writer and request the handler must use and the function that ends it all
// (deferred; it sees the operation name through op).
func (s *Server) startOp(w http.ResponseWriter, r *http.Request, reqID string, op *string) (http.ResponseWriter, *http.Request, func()) {
	tel := s.cfg.Telemetry
	if tel == nil || untraced(r.URL.Path) {
		return w, r, func() {}
	}
	t := &opTrace{tel: tel, w: &obsWriter{ResponseWriter: w, start: time.Now()}, op: op}
	xid := r.Header.Get(telemetry.HeaderAmznTraceID)
	if xid != "" {
		w.Header().Set(telemetry.HeaderAmznTraceID, xid)
	}
	if tel.Tracing() {
		// The span's ids now (the agent needs its parent); its content is
		// recorded when the request ends and built off the request path.
		ctx := tel.Extract(r.Context(), r.Header)
		ctx, t.rec.Context, t.rec.Parent = tel.StartDeferred(ctx)
		t.rec.Kind, t.rec.Start = trace.SpanKindServer, t.w.start
		t.reqID, t.method = reqID, r.Method
		t.w.rec = &t.rec
		r = r.WithContext(ctx)
	}
	t.r = r
	return t.w, r, t.done
}

// done records the request (deferred in ServeHTTP, after the handler and
// its panic handling).
func (t *opTrace) done() {
	v := recover() // only http.ErrAbortHandler reaches here: re-raised below
	status := t.w.status
	if status == 0 {
		status = http.StatusOK
	}
	op := *t.op
	if extensionOps[op] {
		op = "extension"
	}
	t.tel.Metrics.APIRequest(op, status)
	if t.w.rec != nil {
		errType := t.w.Header().Get("X-Amzn-Errortype")
		if v != nil && errType == "" {
			errType = "StreamAborted"
		}
		name, service := op, "bedrock-agentcore-control"
		switch {
		case op == "extension":
			name, service = t.r.Method+" "+extensionName(t.r.URL.Path), "agentcore"
		case dataPlaneOps[op]:
			service = "bedrock-agentcore"
		}
		t.rec.Name = name
		t.opName, t.service, t.status, t.errType = op, service, status, errType
		t.rec.Lazy = t
		if status >= 500 || v != nil {
			t.rec.Status, t.rec.StatusDesc = codes.Error, errType
		}
		t.rec.End = time.Now()
		t.tel.Record(t.rec)
	}
	if v != nil {
		panic(v)
	}
}

// AppendAttrs implements telemetry.AttrAppender: the operation's span
// attributes, and the invocation's when the request was one.
func (t *opTrace) AppendAttrs(a []attribute.KeyValue) []attribute.KeyValue {
	a = append(a, attrRPCSystem.String("aws-api"), attrRPCSystemName.String("aws-api"),
		attrAWSRequestID.String(t.reqID), attrHTTPMethod.String(t.method),
		attrRPCService.String(t.service), attrRPCMethod.String(t.opName), attrHTTPStatus.Int(t.status))
	if t.errType != "" {
		a = append(a, attrErrorType.String(t.errType))
	}
	a = gatewayCallAttrs(t.w.gwCall, a)         // Gateway
	a = codeInterpreterCallAttrs(t.w.ciCall, a) // Code Interpreter
	a = t.w.brOp.appendAttrs(a)                 // Browser
	if o := t.w.inv; o != nil && o.ended {
		a = append(a,
			attribute.String("gen_ai.operation.name", "invoke_agent"), attribute.String("gen_ai.provider.name", "aws.bedrock"),
			attribute.String("gen_ai.agent.id", o.runtimeID), attribute.String("gen_ai.agent.name", agentName(o.runtimeID)),
			attribute.String("gen_ai.conversation.id", o.session), attribute.String("session.id", o.session),
			attribute.String("aws.agentcore.runtime.arn", o.arn), attribute.String("aws.agentcore.runtime.endpoint", o.endpoint),
			attribute.Int64("http.response.body.size", o.respBytes))
		if o.version > 0 {
			a = append(a, attribute.Int("aws.agentcore.runtime.version", o.version), attribute.Int("gen_ai.agent.version", o.version))
		}
		if o.reqBytes >= 0 {
			a = append(a, attribute.Int64("http.request.body.size", o.reqBytes))
		}
		if o.ttfb > 0 {
			a = append(a, attribute.Float64("agentcore.ttfb_ms", float64(o.ttfb.Microseconds())/1000))
		}
		if o.agentCode != 0 {
			a = append(a, attribute.Int("agentcore.agent.status_code", o.agentCode))
		}
	}
	return a
}

// extensionName is /_agentcore/<first segment> (no bucket or key names).
func extensionName(path string) string {
	rest := strings.TrimPrefix(path, "/_agentcore/")
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		rest = rest[:i]
	}
	return "/_agentcore/" + rest
}

// InvokeObservation instruments one InvokeAgentRuntime (it is the
// invokehttp.Observation the server hands the runtime data plane): the invocation attributes
// (session, runtime, GenAI conventions, bytes, time to first byte) on the
// operation's server span, whose context the agent receives, and the
// invocation metrics. One span per invocation keeps tracing cheap (the span
// is built, exported and stored once).
type InvokeObservation struct {
	tel       *telemetry.Telemetry
	w         *obsWriter
	rec       *telemetry.SpanRecord // the operation's span; nil when tracing is off
	runtimeID string                // metric labels: from the request, then from the resolved target
	endpoint  string
	session   string
	arn       string
	version   int
	reqBytes  int64
	agentCode int
	// set by end, read when the span is built
	ended     bool
	ttfb      time.Duration
	respBytes int64
}

// startInvoke begins the invocation's instrumentation; nil without telemetry
// (every method is nil-safe).
func (s *Server) StartInvoke(ctx context.Context, w http.ResponseWriter, r *http.Request, tg runtime.Target) (context.Context, *InvokeObservation) {
	tel := s.cfg.Telemetry
	if tel == nil {
		return ctx, nil
	}
	o := &InvokeObservation{tel: tel, session: tg.SessionID, arn: tg.ARN, reqBytes: r.ContentLength}
	if o.w, _ = w.(*obsWriter); o.w == nil {
		o.w = &obsWriter{start: time.Now()}
	}
	o.runtimeID, o.endpoint = invokeLabels(tg)
	if tel.Tracing() && o.w.rec != nil {
		o.rec = o.w.rec
		o.w.inv = o
	}
	return ctx, o
}

// Resolved records what the target resolved to (runtime, version).
func (o *InvokeObservation) Resolved(inv *runtime.Invocation) {
	if o != nil {
		o.runtimeID, o.arn, o.version = inv.RuntimeID, inv.RuntimeARN, inv.Version
	}
}

// Inject puts the invocation span's context (traceparent, tracestate,
// baggage with session.id, X-Amzn-Trace-Id) into the request to the agent,
// so the agent's spans are its children. With tracing off the caller's
// headers pass through unchanged.
func (o *InvokeObservation) Inject(ctx context.Context, h http.Header, sessionID string) {
	if o != nil && o.rec != nil {
		o.tel.Inject(ctx, h, sessionID)
	}
}

// AgentStatus records the agent's HTTP status.
func (o *InvokeObservation) AgentStatus(code int) {
	if o != nil {
		o.agentCode = code
	}
}

// End records the invocation (deferred with the handler's error and
// recover()'s value, which it re-raises).
func (o *InvokeObservation) End(err error, v any) {
	if o == nil {
		if v != nil {
			panic(v)
		}
		return
	}
	errType := ""
	switch {
	case err != nil:
		errType = errorType(err)
	case v != nil:
		errType = "StreamAborted"
	}
	var ttfb time.Duration
	if !o.w.first.IsZero() {
		ttfb = o.w.first.Sub(o.w.start)
	}
	o.tel.Metrics.Invocation(o.runtimeID, o.endpoint, errType, time.Since(o.w.start), ttfb)
	if o.rec != nil {
		o.ended, o.ttfb, o.respBytes = true, ttfb, o.w.bytes // attributes built off the request path (opTrace.AppendAttrs)
		if err != nil && errType != "" {
			o.rec.Status, o.rec.StatusDesc = codes.Error, err.Error()
		}
	}
	if v != nil {
		panic(v)
	}
}
