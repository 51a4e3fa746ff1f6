package httpapi

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/runtime"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

// Forwarding between server replicas (issue 16). A runtime session lives on
// one replica, its owner (internal/runtime: cluster.go, owners.go), and so
// does a Code Interpreter or Browser session (its record names the
// replica). A request for one (forward_routes.go) that reaches another replica is authenticated there and
// then reverse-proxied to the owner, streaming preserved (SSE, event
// streams, WebSocket upgrades). The owner trusts a forwarded request's
// tenant and caller only with a valid HMAC-SHA256, keyed by the cluster
// secret, over the method, the escaped path, the query, the account, the
// caller kind, the hop count and a timestamp (±forwardSkew). These
// internal headers are removed from every request that does not carry a
// valid signature, so an outside caller cannot assert them.
const (
	hFwdAccount = "X-Agentcore-Forward-Account"
	hFwdCaller  = "X-Agentcore-Forward-Caller"
	hFwdTime    = "X-Agentcore-Forward-Time"
	hFwdHops    = "X-Agentcore-Forward-Hops"
	hFwdSig     = "X-Agentcore-Forward-Signature"
	forwardSkew = 60 * time.Second
	// maxHops bounds re-forwarding: an owner that handed its session over
	// meanwhile (drain) may forward once more.
	maxHops = 2
)

var fwdHeaders = []string{hFwdAccount, hFwdCaller, hFwdTime, hFwdHops, hFwdSig}

// fwdTransport carries forwarded requests (kept-alive connections to the
// other replicas).
var fwdTransport = &http.Transport{
	DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
	MaxIdleConnsPerHost: 128,
	IdleConnTimeout:     90 * time.Second,
}

// fwdSignature is the HMAC of a forwarded request.
func fwdSignature(secret []byte, method, path, query, acct, who, ts, hops string) string {
	m := hmac.New(sha256.New, secret)
	for _, s := range []string{method, path, query, acct, who, ts, hops} {
		m.Write([]byte(s))
		m.Write([]byte{'\n'})
	}
	return hex.EncodeToString(m.Sum(nil))
}

// forwarded recognizes a request another replica forwarded: with a valid
// signature it returns the context the request runs in (tenant and caller
// as the forwarding replica authenticated them) and the hop count. Any
// internal header of a request without a valid signature is removed.
func (s *Server) forwarded(r *http.Request) (context.Context, int, bool) {
	h := r.Header
	sig := h.Get(hFwdSig)
	acct, who, ts, hopsS := h.Get(hFwdAccount), h.Get(hFwdCaller), h.Get(hFwdTime), h.Get(hFwdHops)
	for _, k := range fwdHeaders {
		h.Del(k)
	}
	if sig == "" || len(s.cfg.ClusterSecret) == 0 {
		return nil, 0, false
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	hops, herr := strconv.Atoi(hopsS)
	if err != nil || herr != nil || time.Since(time.Unix(sec, 0)).Abs() > forwardSkew || !accountRE.MatchString(acct) {
		s.log.Warn("forwarded request refused: bad or stale internal headers", "path", r.URL.Path, "peer", r.RemoteAddr)
		return nil, 0, false
	}
	want := fwdSignature(s.cfg.ClusterSecret, r.Method, r.URL.EscapedPath(), r.URL.RawQuery, acct, who, ts, hopsS)
	if !hmac.Equal([]byte(want), []byte(sig)) {
		s.log.Warn("forwarded request refused: bad signature", "path", r.URL.Path, "peer", r.RemoteAddr)
		return nil, 0, false
	}
	t := s.cfg.Tenant
	t.Account = acct
	var c caller
	switch who {
	case "sigv4":
		c.SigV4 = true
	case "bearer":
		var ok bool
		if c.Bearer, ok = cutBearer(h.Get("Authorization")); !ok {
			c.Bearer, _ = wsBearer(h.Values("Sec-Websocket-Protocol"))
		}
	}
	return context.WithValue(tenant.With(r.Context(), t), callerKey{}, c), hops, true
}

// forward proxies r to the replica pl names, signed for it.
func (s *Server) forward(ctx context.Context, w http.ResponseWriter, r *http.Request, op string, pl runtime.Placement, hops int) {
	dst, err := url.Parse(pl.URL)
	if err != nil || dst.Host == "" {
		writeError(w, s.log, op, errs.E(errs.Internal, "replica %s advertises a bad URL %q", pl.Node, pl.URL))
		return
	}
	c := callerOf(ctx)
	who := "none"
	switch {
	case c.SigV4:
		who = "sigv4"
	case c.Bearer != "":
		who = "bearer"
	}
	acct := tenantAccount(ctx)
	w.Header().Del("X-Amzn-Requestid") // the owner's request id answers
	proxy := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.Out.URL.Scheme, pr.Out.URL.Host, pr.Out.Host = dst.Scheme, dst.Host, dst.Host
			ts, hs := strconv.FormatInt(time.Now().Unix(), 10), strconv.Itoa(hops)
			oh := pr.Out.Header
			oh.Set(hFwdAccount, acct)
			oh.Set(hFwdCaller, who)
			oh.Set(hFwdTime, ts)
			oh.Set(hFwdHops, hs)
			oh.Set(hFwdSig, fwdSignature(s.cfg.ClusterSecret, pr.Out.Method, pr.Out.URL.EscapedPath(), pr.Out.URL.RawQuery, acct, who, ts, hs))
		},
		Transport:     fwdTransport,
		FlushInterval: -1,
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			if r.Context().Err() != nil {
				return // the caller went away
			}
			s.log.Warn("forward to replica failed", "op", op, "node", pl.Node, "url", pl.URL, "err", err)
			msg := err.Error()
			if i := strings.LastIndex(msg, ": "); i >= 0 {
				msg = msg[i+2:]
			}
			writeError(w, s.log, op, errs.E(errs.Unavailable, "the server replica hosting this session did not answer (%s); retry", msg))
		},
	}
	proxy.ServeHTTP(w, r.WithContext(ctx))
}
