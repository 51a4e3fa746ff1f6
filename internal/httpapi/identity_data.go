package httpapi

import (
	"context"
	"html"
	"net/http"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/identity"
)

// Identity data plane: workload access tokens and resource credentials,
// plus the OAuth2 callback endpoint (GET /identities/oauth2/callback).

func (s *Server) getWorkloadAccessToken(ctx context.Context, w http.ResponseWriter, r *http.Request, _ params) error {
	svc := s.cfg.Identity
	var in struct {
		WorkloadName string `json:"workloadName"`
	}
	if err := decodeInto(r, &in); err != nil {
		return err
	}
	tok, err := svc.WorkloadToken(ctx, in.WorkloadName)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"workloadAccessToken": tok})
}

func (s *Server) getWorkloadAccessTokenForJWT(ctx context.Context, w http.ResponseWriter, r *http.Request, _ params) error {
	svc := s.cfg.Identity
	var in struct {
		WorkloadName string `json:"workloadName"`
		UserToken    string `json:"userToken"`
	}
	if err := decodeInto(r, &in); err != nil {
		return err
	}
	tok, err := svc.WorkloadTokenForJWT(ctx, in.WorkloadName, in.UserToken)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"workloadAccessToken": tok})
}

func (s *Server) getWorkloadAccessTokenForUserId(ctx context.Context, w http.ResponseWriter, r *http.Request, _ params) error {
	svc := s.cfg.Identity
	var in struct {
		WorkloadName string `json:"workloadName"`
		UserID       string `json:"userId"`
	}
	if err := decodeInto(r, &in); err != nil {
		return err
	}
	tok, err := svc.WorkloadTokenForUserID(ctx, in.WorkloadName, in.UserID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"workloadAccessToken": tok})
}

func (s *Server) getResourceOauth2Token(ctx context.Context, w http.ResponseWriter, r *http.Request, _ params) error {
	svc := s.cfg.Identity
	var in struct {
		Provider         string            `json:"resourceCredentialProviderName"`
		Scopes           []string          `json:"scopes"`
		Flow             string            `json:"oauth2Flow"`
		WAT              string            `json:"workloadIdentityToken"`
		ReturnURL        string            `json:"resourceOauth2ReturnUrl"`
		SessionURI       string            `json:"sessionUri"`
		Force            bool              `json:"forceAuthentication"`
		CustomState      string            `json:"customState"`
		CustomParameters map[string]string `json:"customParameters"`
		Audiences        []string          `json:"audiences"`
		Resources        []string          `json:"resources"`
	}
	if err := decodeInto(r, &in); err != nil {
		return err
	}
	res, err := svc.ResourceToken(ctx, identity.TokenRequest{Provider: in.Provider, Scopes: in.Scopes, Flow: in.Flow, WAT: in.WAT,
		ReturnURL: in.ReturnURL, SessionURI: in.SessionURI, Force: in.Force, CustomState: in.CustomState,
		CustomParameters: in.CustomParameters, Audiences: in.Audiences, Resources: in.Resources})
	if err != nil {
		return err
	}
	out := map[string]any{}
	for k, v := range map[string]string{"accessToken": res.AccessToken, "authorizationUrl": res.AuthorizationURL,
		"sessionUri": res.SessionURI, "sessionStatus": res.SessionStatus} {
		if v != "" {
			out[k] = v
		}
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) getResourceApiKey(ctx context.Context, w http.ResponseWriter, r *http.Request, _ params) error {
	svc := s.cfg.Identity
	var in struct {
		Provider string `json:"resourceCredentialProviderName"`
		WAT      string `json:"workloadIdentityToken"`
	}
	if err := decodeInto(r, &in); err != nil {
		return err
	}
	key, err := svc.ResourceAPIKey(ctx, in.Provider, in.WAT)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"apiKey": key})
}

func (s *Server) completeResourceTokenAuth(ctx context.Context, w http.ResponseWriter, r *http.Request, _ params) error {
	svc := s.cfg.Identity
	var in struct {
		SessionURI string `json:"sessionUri"`
		User       *struct {
			UserID    string `json:"userId"`
			UserToken string `json:"userToken"`
		} `json:"userIdentifier"`
	}
	if err := decodeInto(r, &in); err != nil {
		return err
	}
	if in.SessionURI == "" {
		return errs.Field("sessionUri", "sessionUri is required")
	}
	if in.User == nil {
		return errs.Field("userIdentifier", "userIdentifier is required")
	}
	if err := svc.CompleteAuth(ctx, in.SessionURI, in.User.UserID, in.User.UserToken); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{})
}

// oauth2Callback receives the user's browser from the authorization server.
// It answers with a redirect to the workload's return URL or a short page;
// a forged state gets an error page and changes nothing.
func (s *Server) oauth2Callback(ctx context.Context, w http.ResponseWriter, r *http.Request, _ params) error {
	svc := s.cfg.Identity
	q := r.URL.Query()
	oerr := q.Get("error")
	if d := q.Get("error_description"); d != "" {
		oerr += ": " + d
	}
	res, err := svc.Callback(ctx, q.Get("state"), q.Get("code"), oerr)
	w.Header().Set("Cache-Control", "no-store")
	if err != nil {
		e := classify(err)
		status := http.StatusBadRequest
		if e.Kind == errs.Internal {
			s.log.Error("oauth2 callback failed", "err", err)
			status = http.StatusInternalServerError
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		_, werr := w.Write([]byte("<!doctype html><title>Authorization failed</title><p>Authorization failed: " + html.EscapeString(e.Error()) + "</p>"))
		return werr
	}
	if res.RedirectURL != "" {
		http.Redirect(w, r, res.RedirectURL, http.StatusFound)
		return nil
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, err = w.Write([]byte("<!doctype html><title>Authorization complete</title><p>" + html.EscapeString(res.Message) + "</p>"))
	return err
}
