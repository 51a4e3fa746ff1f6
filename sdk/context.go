package agentcore

import (
	"context"
	"net/http"
	"strings"

	"github.com/google/uuid"
)

// Header names the platform sends toward the container (contract §4.1, §4.2).
const (
	HeaderSessionID         = "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id"
	HeaderRequestID         = "X-Amzn-Bedrock-AgentCore-Runtime-Request-Id"
	HeaderIdentityWAT       = "X-Amz-Bedrock-AgentCore-Identity-WAT"
	HeaderWorkloadToken     = "WorkloadAccessToken"
	HeaderOAuth2CallbackURL = "OAuth2CallbackUrl"
	HeaderAuthorization     = "Authorization"
	CustomHeaderPrefix      = "X-Amzn-Bedrock-AgentCore-Runtime-Custom-"
)

// RequestContext carries what the platform told the container about one invocation or
// WebSocket handshake. It is the Go form of the Python SDK's RequestContext plus the
// values of BedrockAgentCoreContext.
type RequestContext struct {
	// SessionID is the X-Amzn-Bedrock-AgentCore-Runtime-Session-Id header, "" if absent.
	SessionID string
	// RequestID is the X-Amzn-Bedrock-AgentCore-Runtime-Request-Id header, or a random
	// UUID4 when the header is absent.
	RequestID string
	// WorkloadAccessToken is X-Amz-Bedrock-AgentCore-Identity-WAT, else WorkloadAccessToken.
	WorkloadAccessToken string
	// OAuth2CallbackURL is the OAuth2CallbackUrl header.
	OAuth2CallbackURL string
	// RequestHeaders holds the headers that pass the SDK's forwarding rule (see
	// IsForwardableHeader). Keys are lower-case, except Authorization, which is always
	// stored under the canonical key "Authorization". A header sent several times keeps
	// its last value. Never nil.
	RequestHeaders map[string]string
	// Request is the raw HTTP request (the handshake request for /ws).
	Request *http.Request
}

type requestContextKey struct{}

// FromContext returns the RequestContext that the App stored in ctx for the current
// invocation or WebSocket connection.
func FromContext(ctx context.Context) (*RequestContext, bool) {
	rc, ok := ctx.Value(requestContextKey{}).(*RequestContext)
	return rc, ok
}

func withRequestContext(ctx context.Context, rc *RequestContext) context.Context {
	return context.WithValue(ctx, requestContextKey{}, rc)
}

// newRequestContext builds the RequestContext from r's headers with the rules of the
// Python SDK's _build_request_context.
func newRequestContext(r *http.Request) *RequestContext {
	h := r.Header
	rc := &RequestContext{
		SessionID:         h.Get(HeaderSessionID),
		RequestID:         h.Get(HeaderRequestID),
		OAuth2CallbackURL: h.Get(HeaderOAuth2CallbackURL),
		RequestHeaders:    map[string]string{},
		Request:           r,
	}
	if rc.RequestID == "" {
		rc.RequestID = uuid.NewString()
	}
	rc.WorkloadAccessToken = h.Get(HeaderIdentityWAT)
	if rc.WorkloadAccessToken == "" {
		rc.WorkloadAccessToken = h.Get(HeaderWorkloadToken)
	}
	for name, values := range h {
		if len(values) == 0 {
			continue
		}
		value := values[len(values)-1]
		lower := strings.ToLower(name)
		switch {
		case lower == "authorization":
			rc.RequestHeaders[HeaderAuthorization] = value
		case IsForwardableHeader(lower):
			rc.RequestHeaders[lower] = value
		}
	}
	return rc
}

var (
	identityWATLower  = strings.ToLower(HeaderIdentityWAT)
	customPrefixLower = strings.ToLower(CustomHeaderPrefix)
)

// IsForwardableHeader reports whether a header may be passed to agent code, following the
// Python SDK's is_forwardable_header: the name must not be in the restricted list, must not
// start with "x-amz-" (except the Identity-WAT header) and must not start with "x-amzn-"
// unless it starts with the legacy X-Amzn-Bedrock-AgentCore-Runtime-Custom- prefix.
// Authorization is restricted by none of these rules and is therefore forwardable.
func IsForwardableHeader(name string) bool {
	lower := strings.ToLower(name)
	if _, restricted := restrictedHeaders[lower]; restricted {
		return false
	}
	if strings.HasPrefix(lower, "x-amz-") {
		return lower == identityWATLower
	}
	if strings.HasPrefix(lower, "x-amzn-") && !strings.HasPrefix(lower, customPrefixLower) {
		return false
	}
	return true
}
