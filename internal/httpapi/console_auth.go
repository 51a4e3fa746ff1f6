package httpapi

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strings"

	"github.com/agentcore-dev/agentcore/internal/consoleauth"
	"github.com/agentcore-dev/agentcore/internal/sigv4"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

// The web console's authentication (docs/console.md, "Sign-in and
// security"). With credentials configured, a request without a SigV4
// signature that carries the console's session cookie AND the session's
// CSRF token in X-Agentcore-Csrf acts in the session's account on the
// routes of AWS operations, agentcore's extensions and invocations. A
// cookie with a missing or wrong header, or an expired or signed-out
// session, authenticates nothing: the request is refused (it does not fall
// back to the loopback exemption). Requests a browser sends (Sec-Fetch-Site
// or Origin present) never get the loopback exemption in credentials mode:
// that exemption is for the platform's own tools, not for web pages.
//
// In local mode (no credentials) there is no sign-in; unsigned requests a
// browser sends from another site (Sec-Fetch-Site cross-site or same-site,
// or an Origin other than the server's) or to a Host that is not a
// loopback name (DNS rebinding) are refused, so a web page the person
// visits cannot drive the local API.

const (
	// ConsoleCookie is the console's session cookie.
	ConsoleCookie = "agentcore_console"
	// ConsoleCSRFHeader carries the session's CSRF token on every console request.
	ConsoleCSRFHeader = "X-Agentcore-Csrf"
)

// localCSRF is the CSRF token the console gets in local mode (one per process).
var localCSRF = consoleauth.LocalCSRF()

// consoleKinds are the route kinds a console session may call.
func consoleKind(kind authKind) bool {
	return kind == authSigV4 || kind == authLoopback || kind == authInvoke
}

// authenticateConsole authenticates an unsigned, bearer-less request by the
// console's rules. handled is false when the request is none of the
// console's business (the usual rules apply).
func (s *Server) authenticateConsole(ctx context.Context, r *http.Request, t tenant.Tenant, kind authKind) (_ context.Context, handled bool, _ error) {
	if !consoleKind(kind) {
		return nil, false, nil
	}
	if s.cfg.SigV4 == nil { // local mode
		// A page of another site, or one sent to a name that is not
		// loopback's (DNS rebinding: a page of evil.example whose name now
		// resolves to 127.0.0.1 is same-origin with itself, but its
		// requests name evil.example as their Host).
		if crossSite(r) || fromBrowser(r) && !loopbackHost(r.Host) {
			return nil, true, &sigv4.Error{Type: sigv4.TypeDenied, Message: "requests from another web site are refused"}
		}
		return nil, false, nil
	}
	ck, err := r.Cookie(ConsoleCookie)
	if err != nil || ck.Value == "" {
		// A page's request never gets the loopback exemption; a GET the
		// person typed or bookmarked (Sec-Fetch-Site: none; no page can
		// cause one) keeps it, as curl on the host does.
		if fromBrowser(r) && kind == authLoopback && !(r.Method == http.MethodGet && r.Header.Get("Sec-Fetch-Site") == "none") {
			return nil, true, &sigv4.Error{Type: sigv4.TypeMissing, Message: "Missing Authentication Token: sign in to the console"}
		}
		return nil, false, nil
	}
	sess := s.consoleSession(ctx, r)
	switch {
	case sess == nil:
		return nil, true, &sigv4.Error{Type: sigv4.TypeDenied, Message: "the console session has expired or was signed out: sign in again"}
	case !sess.CheckCSRF(r.Header.Get(ConsoleCSRFHeader)):
		return nil, true, &sigv4.Error{Type: sigv4.TypeDenied, Message: "the " + ConsoleCSRFHeader + " header is missing or does not match the console session"}
	}
	t.Account = sess.Account
	return context.WithValue(tenant.With(ctx, t), callerKey{}, caller{SigV4: true}), true, nil
}

// consoleSession is the live session of the request's cookie, or nil.
func (s *Server) consoleSession(ctx context.Context, r *http.Request) *consoleauth.Session {
	if s.cfg.ConsoleSessions == nil {
		return nil
	}
	ck, err := r.Cookie(ConsoleCookie)
	if err != nil {
		return nil
	}
	sess, err := s.cfg.ConsoleSessions.Lookup(ctx, ck.Value)
	if err != nil {
		return nil
	}
	return sess
}

// fromBrowser reports a request a web browser sent on its own (fetch,
// navigation, form): browsers add Sec-Fetch-Site (and Origin on writes),
// and pages cannot set them. Sec-Fetch-Mode alone does not count: Node's
// fetch (undici) sends "sec-fetch-mode: cors" on every request, from
// programs that are not browsers.
func fromBrowser(r *http.Request) bool {
	return r.Header.Get("Sec-Fetch-Site") != "" || r.Header.Get("Origin") != ""
}

// crossSite reports a browser request made by a page of another origin.
func crossSite(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "cross-site", "same-site":
		return true
	case "same-origin", "none":
		return false
	}
	o := r.Header.Get("Origin")
	if o == "" {
		return false
	}
	if o == "null" {
		return true
	}
	_, host, _ := strings.Cut(o, "://")
	return !strings.EqualFold(host, r.Host)
}

// gateConsole wraps the console's pages: with credentials configured, a
// page (the shell) is served only with a live session; without one the
// browser is sent to /console/signin. The assets hold no data and are
// served to anyone, as is the sign-in page.
func (s *Server) gateConsole(pages http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		open := s.cfg.SigV4 == nil || strings.HasPrefix(p, "/console/assets/") || p == "/console/signin"
		if !open && s.consoleSession(r.Context(), r) == nil {
			w.Header().Set("Cache-Control", "no-store")
			http.Redirect(w, r, "/console/signin", http.StatusFound)
			return
		}
		pages.ServeHTTP(w, r)
	})
}

// loopbackHost reports a Host header naming this machine: localhost (or a
// name under it) or a loopback address.
func loopbackHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.Trim(host, "[]"), ".")
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.IsLoopback()
}
