package telemetry

import (
	"context"
	"encoding/hex"
	"math/rand/v2"
	"net/http"
	"strings"

	"go.opentelemetry.io/otel/baggage"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// Header names of the propagation formats accepted from callers.
const (
	HeaderTraceparent = "Traceparent"
	HeaderTracestate  = "Tracestate"
	HeaderBaggage     = "Baggage"
	HeaderAmznTraceID = "X-Amzn-Trace-Id"
	// BaggageSessionID is the baggage member agents receive with the
	// runtimeSessionId.
	BaggageSessionID = "session.id"
)

// AmznTraceID is a parsed X-Amzn-Trace-Id header
// (Root=1-<8 hex epoch>-<24 hex>;Parent=<16 hex>;Sampled=0|1|?).
type AmznTraceID struct {
	TraceID trace.TraceID
	Parent  trace.SpanID // zero when the header has no Parent
	Sampled string       // "1", "0", "?" or ""
	Extra   []string     // other key=value fields (Lineage, Self, ...), kept as they came
}

// ParseAmznTraceID parses an X-Amzn-Trace-Id header; ok is false when it has
// no valid Root.
func ParseAmznTraceID(h string) (AmznTraceID, bool) {
	var x AmznTraceID
	root := false
	for f := range strings.SplitSeq(h, ";") {
		k, v, _ := strings.Cut(strings.TrimSpace(f), "=")
		switch k {
		case "Root":
			// 1-5759e988-bd862e3fe1be46a994272793
			if len(v) != 35 || v[0] != '1' || v[1] != '-' || v[10] != '-' {
				return x, false
			}
			if _, err := hex.Decode(x.TraceID[:4], []byte(v[2:10])); err != nil {
				return x, false
			}
			if _, err := hex.Decode(x.TraceID[4:], []byte(v[11:])); err != nil {
				return x, false
			}
			root = x.TraceID.IsValid()
		case "Parent":
			if len(v) != 16 {
				return x, false
			}
			if _, err := hex.Decode(x.Parent[:], []byte(v)); err != nil {
				return x, false
			}
		case "Sampled":
			x.Sampled = v
		case "", "Self":
		default:
			x.Extra = append(x.Extra, strings.TrimSpace(f))
		}
	}
	return x, root
}

// FormatAmznTraceID renders trace and span ids as an X-Amzn-Trace-Id value.
func FormatAmznTraceID(tid trace.TraceID, parent trace.SpanID, sampled bool, extra ...string) string {
	n := 0
	for _, e := range extra {
		n += 1 + len(e)
	}
	b := make([]byte, 0, 80+n)
	b = append(b, "Root=1-"...)
	b = hex.AppendEncode(b, tid[:4])
	b = append(b, '-')
	b = hex.AppendEncode(b, tid[4:])
	if parent.IsValid() {
		b = append(b, ";Parent="...)
		b = hex.AppendEncode(b, parent[:])
	}
	if sampled {
		b = append(b, ";Sampled=1"...)
	} else {
		b = append(b, ";Sampled=0"...)
	}
	for _, e := range extra {
		b = append(b, ';')
		b = append(b, e...)
	}
	return string(b)
}

// formatTraceparent renders a W3C traceparent (version 00).
func formatTraceparent(sc trace.SpanContext) string {
	var b [55]byte
	out := append(b[:0], "00-"...)
	tid, sid := sc.TraceID(), sc.SpanID()
	out = hex.AppendEncode(out, tid[:])
	out = append(out, '-')
	out = hex.AppendEncode(out, sid[:])
	out = append(out, '-', '0', '0')
	if sc.IsSampled() {
		out[54] = '1'
	}
	return string(out)
}

// Extract returns ctx with the caller's trace context and baggage: W3C
// traceparent/tracestate/baggage first; without a valid traceparent, an
// X-Amzn-Trace-Id (a Root without Parent makes the next span a root span
// of that trace id).
func (t *Telemetry) Extract(ctx context.Context, h http.Header) context.Context {
	if len(h[HeaderTraceparent]) > 0 || len(h[HeaderBaggage]) > 0 {
		ctx = t.prop.Extract(ctx, propagation.HeaderCarrier(h))
	}
	if trace.SpanContextFromContext(ctx).IsValid() {
		return ctx
	}
	v := h.Get(HeaderAmznTraceID)
	if v == "" {
		return ctx
	}
	x, ok := ParseAmznTraceID(v)
	if !ok {
		return ctx
	}
	if !x.Parent.IsValid() {
		return context.WithValue(ctx, traceIDKey{}, x.TraceID)
	}
	var flags trace.TraceFlags
	if x.Sampled != "0" {
		flags = trace.FlagsSampled
	}
	sc := trace.NewSpanContext(trace.SpanContextConfig{TraceID: x.TraceID, SpanID: x.Parent, TraceFlags: flags, Remote: true})
	return trace.ContextWithRemoteSpanContext(ctx, sc)
}

// Inject writes the context of the current span of ctx into h, the request
// to an agent: traceparent and tracestate, baggage with session.id added to
// the caller's members, and X-Amzn-Trace-Id (same trace, parent = the
// current span; extra fields of the caller's header kept).
func (t *Telemetry) Inject(ctx context.Context, h http.Header, sessionID string) {
	sc := trace.SpanContextFromContext(ctx)
	if !sc.IsValid() {
		return
	}
	// Canonical keys set directly: this runs on every invocation.
	h[HeaderTraceparent] = []string{formatTraceparent(sc)}
	if ts := sc.TraceState().String(); ts != "" {
		h[HeaderTracestate] = []string{ts}
	} else {
		delete(h, HeaderTracestate)
	}
	if sessionID != "" {
		bag := baggage.FromContext(ctx)
		if bag.Len() == 0 && baggageSafe(sessionID) {
			h[HeaderBaggage] = []string{BaggageSessionID + "=" + sessionID}
			sessionID = "" // done: skip the general path below
		}
	}
	if sessionID != "" {
		bag := baggage.FromContext(ctx)
		if m, err := baggage.NewMemberRaw(BaggageSessionID, sessionID); err == nil {
			if nb, err := bag.SetMember(m); err == nil {
				bag = nb
			}
		}
		if s := bag.String(); s != "" {
			h.Set(HeaderBaggage, s)
		}
	}
	var extra []string
	if in := h[HeaderAmznTraceID]; len(in) > 0 && in[0] != "" {
		if x, ok := ParseAmznTraceID(in[0]); ok {
			extra = x.Extra
		}
	}
	h[HeaderAmznTraceID] = []string{FormatAmznTraceID(sc.TraceID(), sc.SpanID(), sc.IsSampled(), extra...)}
}

// traceIDKey carries a trace id a new root span must use (X-Amzn-Trace-Id
// with a Root and no Parent).
type traceIDKey struct{}

// idGenerator makes random ids (math/rand/v2: per-thread ChaCha8, no lock)
// and honours a trace id requested through traceIDKey.
type idGenerator struct{}

func (idGenerator) NewIDs(ctx context.Context) (trace.TraceID, trace.SpanID) {
	tid, ok := ctx.Value(traceIDKey{}).(trace.TraceID)
	for !ok || !tid.IsValid() {
		putUint64(tid[:8], rand.Uint64())
		putUint64(tid[8:], rand.Uint64())
		ok = true
	}
	return tid, spanIDFor(ctx)
}

func (idGenerator) NewSpanID(ctx context.Context, _ trace.TraceID) trace.SpanID {
	return spanIDFor(ctx)
}

// spanIDFor returns the span id drawn earlier for a deferred span (see
// StartDeferred), or a new one.
func spanIDFor(ctx context.Context) trace.SpanID {
	if sid, ok := ctx.Value(spanIDKey{}).(trace.SpanID); ok && sid.IsValid() {
		return sid
	}
	return newSpanID()
}

func newSpanID() trace.SpanID {
	var sid trace.SpanID
	for !sid.IsValid() {
		putUint64(sid[:], rand.Uint64())
	}
	return sid
}

func putUint64(b []byte, v uint64) {
	for i := range 8 {
		b[i] = byte(v >> (56 - 8*i))
	}
}

// baggageSafe reports whether v can be a baggage value as is (no percent
// encoding needed): the common session-id alphabet.
func baggageSafe(v string) bool {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return v != ""
}
