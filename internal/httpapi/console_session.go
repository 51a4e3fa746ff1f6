package httpapi

import (
	"context"
	"encoding/json"
	"mime"
	"net/http"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

// /console/api/session: the web console's sign-in (credentials mode) and
// what the console learns about its caller (mode, account, region, CSRF
// token). Served with the console (Config.Console); the sessions are
// Config.ConsoleSessions (internal/consoleauth).
func (s *Server) consoleSessionRoutes() []route {
	return []route{
		{Method: "GET", Path: "/console/api/session", Op: "GetConsoleSession", H: s.getConsoleSession, Auth: authUnsigned},
		{Method: "POST", Path: "/console/api/session", Op: "ConsoleSignIn", H: s.consoleSignIn, Auth: authUnsigned},
		{Method: "DELETE", Path: "/console/api/session", Op: "ConsoleSignOut", H: s.consoleSignOut, Auth: authUnsigned},
	}
}

type consoleSessionOutput struct {
	Mode      string `json:"mode"` // local | credentials
	Account   string `json:"account"`
	Region    string `json:"region"`
	CSRFToken string `json:"csrfToken"`
	Expires   string `json:"expires,omitempty"`
}

type consoleSignInInput struct {
	AccessKeyID     string `json:"accessKeyId"`
	SecretAccessKey string `json:"secretAccessKey"`
}

func (s *Server) localConsole(ctx context.Context) consoleSessionOutput {
	t, err := tenant.From(ctx)
	if err != nil {
		t = s.cfg.Tenant
	}
	return consoleSessionOutput{Mode: "local", Account: t.Account, Region: t.Region, CSRFToken: localCSRF}
}

// getConsoleSession answers who the console acts as: local mode, or the
// signed-in session (401 AccessDeniedException without one).
func (s *Server) getConsoleSession(ctx context.Context, w http.ResponseWriter, r *http.Request, _ params) error {
	w.Header().Set("Cache-Control", "no-store")
	if s.cfg.SigV4 == nil {
		return writeJSON(w, http.StatusOK, s.localConsole(ctx))
	}
	sess := s.consoleSession(ctx, r)
	if sess == nil {
		return writeConsoleDenied(w, http.StatusUnauthorized, "sign in to the console with an access key pair")
	}
	return writeJSON(w, http.StatusOK, consoleSessionOutput{Mode: "credentials", Account: sess.Account, Region: s.cfg.Tenant.Region,
		CSRFToken: sess.CSRF, Expires: sess.Expires.UTC().Format(time.RFC3339)})
}

// consoleSignIn checks an access key pair and sets the session cookie.
func (s *Server) consoleSignIn(ctx context.Context, w http.ResponseWriter, r *http.Request, _ params) error {
	w.Header().Set("Cache-Control", "no-store")
	if s.cfg.SigV4 == nil {
		return writeJSON(w, http.StatusOK, s.localConsole(ctx))
	}
	if crossSite(r) { // login CSRF: another site signing the browser in to its account
		return writeConsoleDenied(w, http.StatusForbidden, "sign-in requests from another web site are refused")
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		return errs.E(errs.Invalid, "sign in with a JSON body (Content-Type: application/json)")
	}
	b, err := readBody(r)
	if err != nil {
		return err
	}
	var in consoleSignInInput
	if err := json.Unmarshal(b, &in); err != nil {
		return errs.E(errs.Invalid, "the sign-in body is not valid JSON: %s", err.Error())
	}
	if s.cfg.ConsoleSessions == nil {
		return writeConsoleDenied(w, http.StatusForbidden, "console sign-in is not enabled on this server")
	}
	sess, err := s.cfg.ConsoleSessions.SignIn(ctx, in.AccessKeyID, in.SecretAccessKey)
	if errs.KindOf(err) == errs.AccessDenied {
		return writeConsoleDenied(w, http.StatusForbidden, err.Error())
	}
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: ConsoleCookie, Value: sess.Token, Path: "/", HttpOnly: true, Secure: r.TLS != nil,
		SameSite: http.SameSiteStrictMode, MaxAge: int(time.Until(sess.Expires).Seconds())})
	return writeJSON(w, http.StatusOK, consoleSessionOutput{Mode: "credentials", Account: sess.Account, Region: s.cfg.Tenant.Region,
		CSRFToken: sess.CSRF, Expires: sess.Expires.UTC().Format(time.RFC3339)})
}

// consoleSignOut ends the session server-side (the cookie is worthless
// from then on, wherever a copy of it is) and clears the cookie. It
// requires the CSRF header of the session it ends.
func (s *Server) consoleSignOut(ctx context.Context, w http.ResponseWriter, r *http.Request, _ params) error {
	w.Header().Set("Cache-Control", "no-store")
	if sess := s.consoleSession(ctx, r); sess != nil {
		if !sess.CheckCSRF(r.Header.Get(ConsoleCSRFHeader)) {
			return writeConsoleDenied(w, http.StatusForbidden, "the "+ConsoleCSRFHeader+" header is missing or does not match the console session")
		}
		ck, _ := r.Cookie(ConsoleCookie)
		if err := s.cfg.ConsoleSessions.SignOut(ctx, ck.Value); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: ConsoleCookie, Value: "", Path: "/", HttpOnly: true, Secure: r.TLS != nil,
		SameSite: http.SameSiteStrictMode, MaxAge: -1})
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// writeConsoleDenied sends an AccessDeniedException with status.
func writeConsoleDenied(w http.ResponseWriter, status int, msg string) error {
	w.Header().Set("X-Amzn-Errortype", "AccessDeniedException")
	return writeJSON(w, status, errorBody{Type: "AccessDeniedException", Message: msg})
}
