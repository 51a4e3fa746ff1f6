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

func (s *Server) getWorkloadAccessToken(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return identityOp(s, http.StatusOK, func(ctx context.Context, svc *identity.Service, in *workloadTokenInput) (*workloadTokenOutput, error) {
		tok, err := svc.WorkloadToken(ctx, in.WorkloadName)
		if err != nil {
			return nil, err
		}
		return &workloadTokenOutput{WorkloadAccessToken: tok}, nil
	})(ctx, w, r, p)
}

func (s *Server) getWorkloadAccessTokenForJWT(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return identityOp(s, http.StatusOK, func(ctx context.Context, svc *identity.Service, in *workloadTokenForJWTInput) (*workloadTokenOutput, error) {
		tok, err := svc.WorkloadTokenForJWT(ctx, in.WorkloadName, in.UserToken)
		if err != nil {
			return nil, err
		}
		return &workloadTokenOutput{WorkloadAccessToken: tok}, nil
	})(ctx, w, r, p)
}

func (s *Server) getWorkloadAccessTokenForUserId(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return identityOp(s, http.StatusOK, func(ctx context.Context, svc *identity.Service, in *workloadTokenForUserIDInput) (*workloadTokenOutput, error) {
		tok, err := svc.WorkloadTokenForUserID(ctx, in.WorkloadName, in.UserID)
		if err != nil {
			return nil, err
		}
		return &workloadTokenOutput{WorkloadAccessToken: tok}, nil
	})(ctx, w, r, p)
}

func (s *Server) getResourceOauth2Token(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return identityOp(s, http.StatusOK, func(ctx context.Context, svc *identity.Service, in *resourceOauth2TokenInput) (*resourceOauth2TokenOutput, error) {
		res, err := svc.ResourceToken(ctx, in.request())
		if err != nil {
			return nil, err
		}
		return &resourceOauth2TokenOutput{AccessToken: res.AccessToken, AuthorizationURL: res.AuthorizationURL,
			SessionURI: res.SessionURI, SessionStatus: res.SessionStatus}, nil
	})(ctx, w, r, p)
}

func (s *Server) getResourceApiKey(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return identityOp(s, http.StatusOK, func(ctx context.Context, svc *identity.Service, in *resourceAPIKeyInput) (*resourceAPIKeyOutput, error) {
		key, err := svc.ResourceAPIKey(ctx, in.Provider, in.WAT)
		if err != nil {
			return nil, err
		}
		return &resourceAPIKeyOutput{APIKey: key}, nil
	})(ctx, w, r, p)
}

func (s *Server) completeResourceTokenAuth(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return identityOp(s, http.StatusOK, func(ctx context.Context, svc *identity.Service, in *completeAuthInput) (*emptyOutput, error) {
		return &emptyOutput{}, svc.CompleteAuth(ctx, in.SessionURI, in.User.UserID, in.User.UserToken)
	})(ctx, w, r, p)
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
