package agentcore

import (
	"context"
	"encoding/json"
	"testing"
)

func TestRequestContextFromHeaders(t *testing.T) {
	a := newTestApp(t)
	seen := make(chan *RequestContext, 1)
	a.Entrypoint(func(ctx context.Context, _ json.RawMessage, rc *RequestContext) (any, error) {
		if c, ok := FromContext(ctx); ok && c == rc {
			seen <- rc
		}
		return nil, nil
	})
	srv := serve(t, a)
	post(t, srv, `{}`, map[string]string{
		HeaderSessionID:         "sess-123",
		HeaderRequestID:         "req-456",
		HeaderIdentityWAT:       "wat-new",
		HeaderWorkloadToken:     "wat-legacy",
		HeaderOAuth2CallbackURL: "https://cb.example/x",
		"authorization":         "Bearer abc",
		"X-Amzn-Bedrock-AgentCore-Runtime-Custom-Foo": "foo",
		"X-Api-Key":       "k",
		"X-Amzn-Trace-Id": "Root=1",
		"X-Amz-Date":      "20250101T000000Z",
		"User-Agent":      "test",
		"traceparent":     "00-abc-def-01",
	})
	var got *RequestContext
	select {
	case got = <-seen:
	default:
		t.Fatal("handler not called or context missing from ctx")
	}
	if got.SessionID != "sess-123" || got.RequestID != "req-456" || got.WorkloadAccessToken != "wat-new" ||
		got.OAuth2CallbackURL != "https://cb.example/x" || got.Request == nil {
		t.Fatalf("context %+v", got)
	}
	want := map[string]string{
		"Authorization": "Bearer abc",
		"x-amzn-bedrock-agentcore-runtime-custom-foo": "foo",
		"x-api-key":                            "k",
		"x-amz-bedrock-agentcore-identity-wat": "wat-new",
		"workloadaccesstoken":                  "wat-legacy",
		"oauth2callbackurl":                    "https://cb.example/x",
		"traceparent":                          "00-abc-def-01",
	}
	if len(got.RequestHeaders) != len(want) {
		t.Fatalf("forwarded headers %v, want %v", got.RequestHeaders, want)
	}
	for k, v := range want {
		if got.RequestHeaders[k] != v {
			t.Fatalf("forwarded headers %v, want %v", got.RequestHeaders, want)
		}
	}
}

func TestRequestContextDefaults(t *testing.T) {
	a := newTestApp(t)
	a.Entrypoint(func(_ context.Context, _ json.RawMessage, rc *RequestContext) (any, error) {
		if rc.SessionID != "" || rc.RequestHeaders == nil {
			t.Errorf("defaults: %+v", rc)
		}
		return []string{rc.RequestID, rc.WorkloadAccessToken}, nil
	})
	srv := serve(t, a)
	_, _, b1 := post(t, srv, `{}`, nil)
	_, _, b2 := post(t, srv, `{}`, map[string]string{HeaderWorkloadToken: "legacy"})
	r1, r2 := decode[[]string](t, b1), decode[[]string](t, b2)
	if len(r1[0]) != 36 || r1[0] == r2[0] {
		t.Fatalf("generated request ids %q %q", r1[0], r2[0])
	}
	if wat := r2[1]; wat != "legacy" {
		t.Fatalf("legacy WAT header not used: %q", wat)
	}
}

func TestIsForwardableHeader(t *testing.T) {
	cases := map[string]bool{
		"Authorization": true, "X-Api-Key": true, "baggage": true, "WorkloadAccessToken": true,
		"X-Amzn-Bedrock-AgentCore-Runtime-Custom-Tenant": true,
		"X-Amz-Bedrock-AgentCore-Identity-WAT":           true,
		"X-Amzn-Bedrock-AgentCore-Runtime-Session-Id":    false,
		"X-Amzn-Bedrock-AgentCore-Runtime-Request-Id":    false,
		"X-Amz-Security-Token":                           false,
		"X-Amz-Cf-Id":                                    false,
		"Content-Type":                                   false,
		"Accept":                                         false,
		"Host":                                           false,
		"Cookie":                                         false,
		"Sec-WebSocket-Key":                              false,
		"X-Forwarded-For":                                false,
		"Proxy-Authorization":                            false,
	}
	for name, want := range cases {
		if got := IsForwardableHeader(name); got != want {
			t.Errorf("IsForwardableHeader(%q) = %v, want %v", name, got, want)
		}
	}
}
