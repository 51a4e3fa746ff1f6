package httpapi

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// loopbackPeer reports whether the request comes from this host: agentcore's
// own endpoints (/_agentcore/*, /metrics, unsigned local calls) trust such
// callers. The peer is RemoteAddr; when it is one of the trusted proxies
// (--trusted-proxies), the client is the address the proxy forwarded
// (X-Forwarded-For read from the right, past the trusted hops, or
// Forwarded: for=). A request with forwarding headers from a peer that is
// not a trusted proxy is never loopback: a proxy on this host makes every
// caller's connection a loopback one.
func (s *Server) loopbackPeer(r *http.Request) bool {
	peer, ok := addrOf(r.RemoteAddr)
	if !ok {
		return false
	}
	if !s.trustedProxy(peer) {
		for _, h := range []string{"Forwarded", "X-Forwarded-For", "X-Real-Ip"} {
			if r.Header.Get(h) != "" {
				return false
			}
		}
		return peer.IsLoopback()
	}
	hops := forwardedFor(r)
	for i := len(hops) - 1; i >= 0; i-- {
		a, ok := addrOf(hops[i])
		if !ok {
			return false
		}
		if !s.trustedProxy(a) || i == 0 {
			return a.IsLoopback()
		}
	}
	return false // a trusted proxy that says nothing of its client
}

func (s *Server) trustedProxy(a netip.Addr) bool {
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// forwardedFor lists the forwarded client addresses, first hop first:
// X-Forwarded-For, else the for= parameters of Forwarded (RFC 7239).
func forwardedFor(r *http.Request) []string {
	var out []string
	for _, v := range r.Header.Values("X-Forwarded-For") {
		for _, f := range strings.Split(v, ",") {
			out = append(out, strings.TrimSpace(f))
		}
	}
	if len(out) > 0 {
		return out
	}
	for _, v := range r.Header.Values("Forwarded") {
		for _, elem := range strings.Split(v, ",") {
			for _, pair := range strings.Split(elem, ";") {
				k, val, ok := strings.Cut(strings.TrimSpace(pair), "=")
				if ok && strings.EqualFold(k, "for") {
					out = append(out, strings.Trim(val, `"`))
				}
			}
		}
	}
	return out
}

// addrOf parses "ip", "ip:port", "[v6]" or "[v6]:port".
func addrOf(s string) (netip.Addr, bool) {
	if host, _, err := net.SplitHostPort(s); err == nil {
		s = host
	}
	a, err := netip.ParseAddr(strings.Trim(s, "[]"))
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}
