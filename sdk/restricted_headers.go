package agentcore

// restrictedHeaders is the Python SDK's RESTRICTED_HEADERS (bedrock_agentcore.runtime.models,
// from the AgentCore runtime-header-allowlist page), lower-cased.
var restrictedHeaders = setOf(
	// Authentication & Authorization
	"proxy-authorization", "www-authenticate",
	// Content negotiation
	"accept", "accept-charset", "accept-encoding", "accept-language",
	"content-type", "content-length", "content-encoding", "content-language",
	"content-location", "content-range",
	// Caching
	"cache-control", "etag", "expires", "if-match", "if-modified-since", "if-none-match",
	"if-range", "if-unmodified-since", "last-modified", "pragma", "vary",
	// Connection management
	"connection", "keep-alive", "proxy-connection", "upgrade",
	// Request context
	"host", "user-agent", "referer", "from",
	// Range / transfer
	"range", "accept-ranges", "transfer-encoding", "te", "trailer",
	// Server information
	"server", "date", "location", "retry-after",
	// Cookies
	"set-cookie", "cookie",
	// Security
	"content-security-policy", "content-security-policy-report-only",
	"strict-transport-security", "x-content-type-options", "x-frame-options",
	"x-xss-protection", "referrer-policy", "permissions-policy",
	"cross-origin-embedder-policy", "cross-origin-opener-policy", "cross-origin-resource-policy",
	// CORS
	"access-control-allow-origin", "access-control-allow-methods",
	"access-control-allow-headers", "access-control-allow-credentials",
	"access-control-expose-headers", "access-control-max-age",
	"access-control-request-method", "access-control-request-headers", "origin",
	// Client hints
	"accept-ch", "accept-ch-lifetime", "dpr", "width", "viewport-width", "downlink",
	"ect", "rtt", "save-data",
	// Experimental / proposed
	"clear-site-data", "feature-policy", "expect-ct", "public-key-pins",
	"public-key-pins-report-only",
	// Proxy
	"via", "forwarded", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto",
	"x-real-ip", "x-requested-with", "x-csrf-token",
	// IP spoofing / URL manipulation
	"true-client-ip", "x-client-ip", "x-cluster-client-ip", "x-originating-ip",
	"x-source-ip", "x-original-url", "x-original-host", "x-rewrite-url",
	// CDN / proxy
	"cf-ray", "cf-connecting-ip", "x-amz-cf-id", "x-cache", "x-served-by",
	// HTTP/2 pseudo headers
	":method", ":path", ":scheme", ":authority", ":status",
	// Server push
	"link",
	// WebSocket
	"sec-websocket-key", "sec-websocket-accept", "sec-websocket-version",
	"sec-websocket-protocol", "sec-websocket-extensions",
)

func setOf(names ...string) map[string]struct{} {
	m := make(map[string]struct{}, len(names))
	for _, n := range names {
		m[n] = struct{}{}
	}
	return m
}
