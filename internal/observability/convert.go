package observability

import (
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"time"
	"unicode/utf8"

	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
)

// Attribute keys the service derives columns from.
const (
	AttrSessionID   = "session.id"
	AttrResourceID  = "cloud.resource_id"
	AttrServiceName = "service.name"
	maxAttrDepth    = 4
)

// limits bound what one span or log record may carry.
type limits struct {
	value  int // bytes per string value
	attrs  int // attributes per map
	events int // events per span
}

// convertAttrs flattens OTLP key/values to JSON-ready Go values, truncating
// long strings and dropping attributes beyond the bound.
func (l limits) convertAttrs(kvs []*commonpb.KeyValue, depth int) map[string]any {
	if len(kvs) == 0 {
		return nil
	}
	m := make(map[string]any, min(len(kvs), l.attrs))
	for _, kv := range kvs {
		if len(m) >= l.attrs {
			m["agentcore.dropped_attributes"] = int64(len(kvs) - l.attrs)
			break
		}
		m[l.truncate(kv.GetKey())] = l.value_(kv.GetValue(), depth)
	}
	return m
}

func (l limits) value_(v *commonpb.AnyValue, depth int) any {
	if v == nil {
		return nil
	}
	switch x := v.Value.(type) {
	case *commonpb.AnyValue_StringValue:
		return l.truncate(x.StringValue)
	case *commonpb.AnyValue_BoolValue:
		return x.BoolValue
	case *commonpb.AnyValue_IntValue:
		return x.IntValue
	case *commonpb.AnyValue_DoubleValue:
		return x.DoubleValue
	case *commonpb.AnyValue_BytesValue:
		return l.truncate(base64.StdEncoding.EncodeToString(x.BytesValue))
	case *commonpb.AnyValue_ArrayValue:
		if depth >= maxAttrDepth {
			return "[nested too deep]"
		}
		vals := x.ArrayValue.GetValues()
		out := make([]any, 0, min(len(vals), l.attrs))
		for i, e := range vals {
			if i >= l.attrs {
				break
			}
			out = append(out, l.value_(e, depth+1))
		}
		return out
	case *commonpb.AnyValue_KvlistValue:
		if depth >= maxAttrDepth {
			return "[nested too deep]"
		}
		return l.convertAttrs(x.KvlistValue.GetValues(), depth+1)
	}
	return nil
}

// truncate cuts s to the value bound on a rune boundary, marking the cut.
func (l limits) truncate(s string) string {
	if len(s) <= l.value {
		return s
	}
	cut := l.value
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…[truncated " + strconv.Itoa(len(s)-cut) + " bytes]"
}

// hexID validates an id of n bytes (non-zero) and returns it as hex.
func hexID(b []byte, n int) (string, bool) {
	if len(b) != n {
		return "", false
	}
	for _, c := range b {
		if c != 0 {
			return hex.EncodeToString(b), true
		}
	}
	return "", false
}

func nanos(ns uint64) time.Time {
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, int64(ns)).UTC()
}

// convertSpan turns one OTLP span into a Span; ok is false for spans with
// malformed ids (they are rejected, and counted).
func (l limits) convertSpan(sp *tracepb.Span, res map[string]any, tag Tag) (Span, bool) {
	tid, ok1 := hexID(sp.GetTraceId(), 16)
	sid, ok2 := hexID(sp.GetSpanId(), 8)
	var pid string
	ok3 := true
	if p := sp.GetParentSpanId(); len(p) > 0 {
		pid, ok3 = hexID(p, 8)
		if !ok3 && len(p) == 8 { // all zeros means "no parent"
			ok3 = true
		}
	}
	if !ok1 || !ok2 || !ok3 {
		return Span{}, false
	}
	s := Span{
		Account: tag.Account, TraceID: tid, SpanID: sid, ParentSpanID: pid,
		Name: l.truncate(sp.GetName()), Kind: int32(sp.GetKind()),
		Start: nanos(sp.GetStartTimeUnixNano()), End: nanos(sp.GetEndTimeUnixNano()),
		StatusCode: int32(sp.GetStatus().GetCode()), StatusMessage: l.truncate(sp.GetStatus().GetMessage()),
		Attributes: l.convertAttrs(sp.GetAttributes(), 0), Resource: res,
	}
	if s.End.Before(s.Start) {
		s.End = s.Start
	}
	for i, ev := range sp.GetEvents() {
		if i >= l.events {
			break
		}
		s.Events = append(s.Events, Event{Time: nanos(ev.GetTimeUnixNano()), Name: l.truncate(ev.GetName()),
			Attributes: l.convertAttrs(ev.GetAttributes(), 0)})
	}
	s.Error = s.StatusCode == int32(tracepb.Status_STATUS_CODE_ERROR)
	s.SessionID = firstString(tag.SessionID, s.Attributes[AttrSessionID], res[AttrSessionID])
	s.RuntimeARN = firstString(tag.RuntimeARN, res[AttrResourceID], s.Attributes[AttrResourceID])
	s.ServiceName, _ = res[AttrServiceName].(string)
	return s, true
}

// firstString returns the first non-empty string among vs.
func firstString(vs ...any) string {
	for _, v := range vs {
		if s, ok := v.(string); ok && s != "" {
			return s
		}
	}
	return ""
}
