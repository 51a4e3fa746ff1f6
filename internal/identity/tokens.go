package identity

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/store"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

// Flows (Oauth2FlowType) and session states (SessionStatus plus the
// internal AUTHORIZED/COMPLETE).
const (
	FlowM2M  = "M2M"
	FlowUser = "USER_FEDERATION"

	StatusInProgress = "IN_PROGRESS"
	StatusFailed     = "FAILED"
	statusAuthorized = "AUTHORIZED" // code exchanged; waiting for CompleteResourceTokenAuth
	statusComplete   = "COMPLETE"
)

// sessionURIPrefix starts every sessionUri.
const sessionURIPrefix = "urn:ietf:params:oauth:request_uri:"

// sessionTTL bounds how long a user has to consent.
const sessionTTL = 15 * time.Minute

// expiryMargin: cached tokens this close to expiry are refreshed first.
const expiryMargin = 60 * time.Second

// userToken is a cached token (sealed) for a user (USER_FEDERATION) or the
// account (M2M).
type userToken struct {
	Provider  string    `json:"provider"`
	AccessCT  string    `json:"accessSealed"`
	RefreshCT string    `json:"refreshSealed,omitempty"`
	Expiry    time.Time `json:"expiry"`
	Scopes    []string  `json:"scopes,omitempty"`
}

// authSession is one USER_FEDERATION consent in progress.
type authSession struct {
	ID          string    `json:"id"`
	State       string    `json:"state"`
	Account     string    `json:"account"`
	Region      string    `json:"region"`
	Workload    string    `json:"workload"`
	UserID      string    `json:"userId"`
	Provider    string    `json:"provider"`
	Scopes      []string  `json:"scopes"`
	VerifierCT  string    `json:"verifierSealed"`
	ReturnURL   string    `json:"returnUrl,omitempty"`
	CustomState string    `json:"customState,omitempty"` // echoed to ReturnURL as state (the app's CSRF check)
	Status      string    `json:"status"`
	TokenCT     string    `json:"tokenSealed,omitempty"` // exchanged token awaiting binding
	RefreshCT   string    `json:"refreshSealed,omitempty"`
	Expiry      time.Time `json:"tokenExpiry,omitempty"`
	AuthURL     string    `json:"authorizationUrl"`
	Failure     string    `json:"failure,omitempty"`
	Expires     time.Time `json:"expires"`
}

// TokenRequest is GetResourceOauth2Token's input.
type TokenRequest struct {
	Provider         string
	Scopes           []string
	Flow             string
	WAT              string
	ReturnURL        string
	SessionURI       string
	Force            bool
	CustomState      string
	CustomParameters map[string]string
	Audiences        []string
	Resources        []string
}

// TokenResult is GetResourceOauth2Token's answer: AccessToken, or an
// AuthorizationURL and SessionURI while the user has not consented.
type TokenResult struct {
	AccessToken      string
	AuthorizationURL string
	SessionURI       string
	SessionStatus    string
}

func randToken(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func scopeKey(scopes []string) string {
	s := slices.Clone(scopes)
	sort.Strings(s)
	h := sha256.Sum256([]byte(strings.Join(s, " ")))
	return hex.EncodeToString(h[:8])
}

func tokenKey(acct, flow, workload, user, provider string, scopes []string) string {
	if flow == FlowM2M {
		workload, user = "-", "-"
	}
	return acct + "/" + flow + "/" + workload + "/" + hex.EncodeToString([]byte(user)) + "/" + provider + "/" + scopeKey(scopes)
}

func aadToken(key string) []byte { return []byte("token|" + key) }

func (r *TokenRequest) check() error {
	if err := checkProviderName("resourceCredentialProviderName", r.Provider); err != nil {
		return err
	}
	if r.WAT == "" {
		return errs.Field("workloadIdentityToken", "workloadIdentityToken is required")
	}
	if r.Flow != FlowM2M && r.Flow != FlowUser {
		if r.Flow == "ON_BEHALF_OF_TOKEN_EXCHANGE" {
			return errs.Field("oauth2Flow", "oauth2Flow ON_BEHALF_OF_TOKEN_EXCHANGE is not supported by this server")
		}
		return errs.Field("oauth2Flow", "oauth2Flow must be M2M or USER_FEDERATION")
	}
	if len(r.CustomState) > 4096 {
		return errs.Field("customState", "customState is longer than 4096 characters")
	}
	if len(r.Scopes) > 100 {
		return errs.Field("scopes", "at most 100 scopes are allowed")
	}
	if r.ReturnURL != "" {
		if err := absURL("resourceOauth2ReturnUrl", r.ReturnURL); err != nil {
			return err
		}
	}
	return nil
}

// ResourceToken is GetResourceOauth2Token.
func (s *Service) ResourceToken(ctx context.Context, r TokenRequest) (*TokenResult, error) {
	if err := r.check(); err != nil {
		return nil, err
	}
	wat, err := s.VerifyWAT(ctx, r.WAT)
	if err != nil {
		return nil, err
	}
	p, err := s.GetOAuth2Provider(ctx, r.Provider)
	if err != nil {
		return nil, err
	}
	if r.Flow == FlowM2M {
		return s.m2m(ctx, wat, p, r)
	}
	if wat.UserID == "" {
		return nil, errs.E(errs.Invalid, "USER_FEDERATION needs a workload access token bound to a user (GetWorkloadAccessTokenForUserId or ForJWT, or invoke with a user)")
	}
	if r.SessionURI != "" && !r.Force {
		return s.poll(ctx, wat, p, r)
	}
	key := tokenKey(wat.Account, FlowUser, wat.Workload, wat.UserID, p.Name, r.Scopes)
	if !r.Force {
		if tok, err := s.cached(ctx, key, p); err != nil {
			return nil, err
		} else if tok != "" {
			return &TokenResult{AccessToken: tok}, nil
		}
	}
	return s.startConsent(ctx, wat, p, r)
}

// m2m returns a cached or fresh client-credentials token.
func (s *Service) m2m(ctx context.Context, wat *WATClaims, p *OAuth2Provider, r TokenRequest) (*TokenResult, error) {
	key := tokenKey(wat.Account, FlowM2M, "", "", p.Name, r.Scopes)
	if !r.Force {
		if tok, err := s.cached(ctx, key, p); err != nil {
			return nil, err
		} else if tok != "" {
			return &TokenResult{AccessToken: tok}, nil
		}
	}
	secret, err := s.clientSecret(p)
	if err != nil {
		return nil, err
	}
	params := map[string]string{}
	for k, v := range r.CustomParameters {
		params[k] = v
	}
	if len(r.Audiences) > 0 {
		params["audience"] = strings.Join(r.Audiences, " ")
	}
	if len(r.Resources) > 0 {
		params["resource"] = r.Resources[0]
	}
	tok, err := s.oauth.ClientCredentials(ctx, s.endpoints(p), p.ClientID, secret, r.Scopes, params)
	if err != nil {
		return nil, errs.Wrap(errs.AccessDenied, err, "the authorization server of %s refused the client credentials grant", p.Name)
	}
	if err := s.store(ctx, key, p.Name, r.Scopes, tok); err != nil {
		return nil, err
	}
	return &TokenResult{AccessToken: tok.AccessToken}, nil
}

func (s *Service) endpoints(p *OAuth2Provider) Endpoints {
	return Endpoints{AuthURL: p.Metadata.AuthorizationEndpoint, TokenURL: p.Metadata.TokenEndpoint, AuthMethod: p.AuthMethod}
}

func (s *Service) clientSecret(p *OAuth2Provider) (string, error) {
	if p.SecretCT == "" {
		return "", nil
	}
	b, err := s.vault.Open(p.SecretCT, aadProvider(p.ARN))
	if err != nil {
		return "", errs.Wrap(errs.Internal, err, "client secret of %s", p.Name)
	}
	return string(b), nil
}

// cached returns a live cached token, refreshing an expired one when a
// refresh token is held; "" when there is none.
func (s *Service) cached(ctx context.Context, key string, p *OAuth2Provider) (string, error) {
	ut, _, err := getJSON[userToken](ctx, s.kv, tblToken, key, errs.ErrNotFound)
	if errs.KindOf(err) == errs.NotFound {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if ut.Expiry.IsZero() || s.now().Add(expiryMargin).Before(ut.Expiry) {
		b, err := s.vault.Open(ut.AccessCT, aadToken(key))
		if err != nil {
			return "", nil // sealed under a lost key: obtain a new one
		}
		return string(b), nil
	}
	if ut.RefreshCT == "" {
		return "", nil
	}
	rt, err := s.vault.Open(ut.RefreshCT, aadToken(key+"|refresh"))
	if err != nil {
		return "", nil
	}
	secret, err := s.clientSecret(p)
	if err != nil {
		return "", err
	}
	tok, err := s.oauth.Refresh(ctx, s.endpoints(p), p.ClientID, secret, string(rt))
	if err != nil {
		s.log.Info("refresh token refused; the user must consent again", "provider", p.Name, "err", err)
		return "", s.kv.Txn(ctx, deleteOp(tblToken, key))
	}
	if tok.RefreshToken == "" {
		tok.RefreshToken = string(rt)
	}
	if err := s.store(ctx, key, p.Name, ut.Scopes, tok); err != nil {
		return "", err
	}
	return tok.AccessToken, nil
}

func (s *Service) sealToken(key string, tok *Token) (access, refresh string, err error) {
	if access, err = s.vault.Seal([]byte(tok.AccessToken), aadToken(key)); err != nil {
		return "", "", err
	}
	if tok.RefreshToken != "" {
		if refresh, err = s.vault.Seal([]byte(tok.RefreshToken), aadToken(key+"|refresh")); err != nil {
			return "", "", err
		}
	}
	return access, refresh, nil
}

func (s *Service) store(ctx context.Context, key, provider string, scopes []string, tok *Token) error {
	a, r, err := s.sealToken(key, tok)
	if err != nil {
		return err
	}
	return s.kv.Txn(ctx, putOp(tblToken, key, &userToken{Provider: provider, AccessCT: a, RefreshCT: r, Expiry: tok.Expiry, Scopes: scopes}))
}

// startConsent opens an authorization-code (PKCE) session.
func (s *Service) startConsent(ctx context.Context, wat *WATClaims, p *OAuth2Provider, r TokenRequest) (*TokenResult, error) {
	if p.Metadata.AuthorizationEndpoint == "" {
		return nil, errs.E(errs.Invalid, "credential provider %s has no authorization endpoint; USER_FEDERATION is not possible", p.Name)
	}
	if r.ReturnURL != "" {
		w, err := s.GetWorkload(ctx, wat.Workload)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(w.ReturnURLs, r.ReturnURL) {
			return nil, errs.Field("resourceOauth2ReturnUrl", "resourceOauth2ReturnUrl %s is not in the allowedResourceOauth2ReturnUrls of workload identity %s", r.ReturnURL, wat.Workload)
		}
	}
	t, _ := tenantOf(ctx)
	verifier := randToken(32)
	vct, err := s.vault.Seal([]byte(verifier), []byte("pkce|"))
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256([]byte(verifier))
	sess := &authSession{ID: randToken(18), State: randToken(24), Account: wat.Account, Region: t.Region, Workload: wat.Workload,
		UserID: wat.UserID, Provider: p.Name, Scopes: r.Scopes, VerifierCT: vct, ReturnURL: r.ReturnURL,
		Status: StatusInProgress, Expires: s.now().Add(sessionTTL), CustomState: r.CustomState}
	q := url.Values{"response_type": {"code"}, "client_id": {p.ClientID}, "redirect_uri": {s.cb}, "state": {sess.State},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"}}
	if len(r.Scopes) > 0 {
		q.Set("scope", strings.Join(r.Scopes, " "))
	}
	for k, v := range r.CustomParameters {
		if q.Get(k) == "" {
			q.Set(k, v)
		}
	}
	sep := "?"
	if strings.Contains(p.Metadata.AuthorizationEndpoint, "?") {
		sep = "&"
	}
	sess.AuthURL = p.Metadata.AuthorizationEndpoint + sep + q.Encode()
	if err := s.kv.Txn(ctx, createOp(tblSession, sess.ID, sess), createOp(tblState, sess.State, sess.ID)); err != nil {
		return nil, err
	}
	return &TokenResult{AuthorizationURL: sess.AuthURL, SessionURI: sessionURIPrefix + sess.ID, SessionStatus: StatusInProgress}, nil
}

func (s *Service) session(ctx context.Context, uri string) (*authSession, int64, error) {
	id, ok := strings.CutPrefix(uri, sessionURIPrefix)
	if !ok || id == "" || len(id) > 64 {
		return nil, 0, errs.Field("sessionUri", "sessionUri is not one this server issued")
	}
	return getJSON[authSession](ctx, s.kv, tblSession, id, errs.E(errs.NotFound, "session %s not found or expired", uri))
}

// poll answers a repeated GetResourceOauth2Token with a sessionUri: the
// token once the session completed, else IN_PROGRESS (200, no token).
func (s *Service) poll(ctx context.Context, wat *WATClaims, p *OAuth2Provider, r TokenRequest) (*TokenResult, error) {
	sess, _, err := s.session(ctx, r.SessionURI)
	if err != nil {
		return nil, err
	}
	if sess.Account != wat.Account || sess.Workload != wat.Workload || sess.UserID != wat.UserID || sess.Provider != p.Name {
		return nil, errs.E(errs.AccessDenied, "session %s belongs to another workload, user or provider", r.SessionURI)
	}
	switch sess.Status {
	case statusComplete:
		key := tokenKey(wat.Account, FlowUser, wat.Workload, wat.UserID, p.Name, sess.Scopes)
		tok, err := s.cached(ctx, key, p)
		if err != nil {
			return nil, err
		}
		if tok != "" {
			return &TokenResult{AccessToken: tok, SessionURI: r.SessionURI}, nil
		}
		return &TokenResult{SessionURI: r.SessionURI, SessionStatus: StatusFailed}, nil
	case StatusFailed:
		return &TokenResult{SessionURI: r.SessionURI, SessionStatus: StatusFailed}, nil
	}
	if s.now().After(sess.Expires) {
		return &TokenResult{SessionURI: r.SessionURI, SessionStatus: StatusFailed}, nil
	}
	return &TokenResult{AuthorizationURL: sess.AuthURL, SessionURI: r.SessionURI, SessionStatus: StatusInProgress}, nil
}

// CallbackResult tells the HTTP edge where to send the user's browser.
type CallbackResult struct {
	RedirectURL string // the workload's return URL (session_id appended), or ""
	Message     string // shown when there is no return URL
}

// Callback handles the authorization server's redirect (code + state). A
// forged or replayed state changes nothing.
func (s *Service) Callback(ctx context.Context, state, code, oauthErr string) (*CallbackResult, error) {
	if state == "" || len(state) > 128 {
		return nil, errs.Field("state", "the callback has no valid state parameter")
	}
	id, _, err := getJSON[string](ctx, s.kv, tblState, state, errs.E(errs.NotFound, "unknown or expired OAuth2 state"))
	if err != nil {
		return nil, err
	}
	sess, rev, err := getJSON[authSession](ctx, s.kv, tblSession, *id, errs.E(errs.NotFound, "unknown or expired OAuth2 state"))
	if err != nil {
		return nil, err
	}
	if sess.Status != StatusInProgress || s.now().After(sess.Expires) {
		return nil, errs.E(errs.Conflict, "this authorization session is no longer waiting for a callback")
	}
	fail := func(msg string) (*CallbackResult, error) {
		sess.Status, sess.Failure = StatusFailed, msg
		s.kv.Txn(ctx, store.Op{Kind: store.OpUpdate, Table: tblSession, Key: sess.ID, Value: mustJSON(sess), Revision: rev}) //nolint:errcheck // best effort
		return nil, errs.E(errs.AccessDenied, "authorization failed: %s", msg)
	}
	if oauthErr != "" {
		return fail("the authorization server answered " + oauthErr)
	}
	if code == "" {
		return fail("the callback carries no code")
	}
	octx := tenant.With(ctx, tenant.Tenant{Account: sess.Account, Region: sess.Region})
	p, err := s.GetOAuth2Provider(octx, sess.Provider)
	if err != nil {
		return fail("the credential provider is gone")
	}
	verifier, err := s.vault.Open(sess.VerifierCT, []byte("pkce|"))
	if err != nil {
		return fail("the session cannot be read")
	}
	secret, err := s.clientSecret(p)
	if err != nil {
		return nil, err
	}
	tok, err := s.oauth.Exchange(ctx, s.endpoints(p), p.ClientID, secret, code, string(verifier), s.cb)
	if err != nil {
		s.log.Info("authorization code exchange failed", "provider", p.Name, "err", err)
		return fail("the authorization server refused the code")
	}
	res := &CallbackResult{}
	if sess.ReturnURL == "" {
		// No return URL: the user who consented is bound directly.
		key := tokenKey(sess.Account, FlowUser, sess.Workload, sess.UserID, sess.Provider, sess.Scopes)
		a, r, err := s.sealToken(key, tok)
		if err != nil {
			return nil, err
		}
		sess.Status = statusComplete
		err = s.kv.Txn(ctx, store.Op{Kind: store.OpUpdate, Table: tblSession, Key: sess.ID, Value: mustJSON(sess), Revision: rev},
			putOp(tblToken, key, &userToken{Provider: sess.Provider, AccessCT: a, RefreshCT: r, Expiry: tok.Expiry, Scopes: sess.Scopes}),
			deleteOp(tblState, state))
		if err != nil {
			return nil, err
		}
		res.Message = "Authorization complete. You can close this window."
		return res, nil
	}
	key := "session|" + sess.ID
	if sess.TokenCT, sess.RefreshCT, err = s.sealToken(key, tok); err != nil {
		return nil, err
	}
	sess.Expiry, sess.Status = tok.Expiry, statusAuthorized
	if err := s.kv.Txn(ctx, store.Op{Kind: store.OpUpdate, Table: tblSession, Key: sess.ID, Value: mustJSON(sess), Revision: rev}, deleteOp(tblState, state)); err != nil {
		return nil, err
	}
	u, _ := url.Parse(sess.ReturnURL)
	q := u.Query()
	q.Set("session_id", sessionURIPrefix+sess.ID)
	if sess.CustomState != "" {
		q.Set("state", sess.CustomState)
	}
	u.RawQuery = q.Encode()
	res.RedirectURL = u.String()
	return res, nil
}

// CompleteAuth is CompleteResourceTokenAuth: the application at the return
// URL confirms which user completed the consent; it must be the user the
// session was started for.
func (s *Service) CompleteAuth(ctx context.Context, sessionURI, userID, userJWT string) error {
	t, err := tenantOf(ctx)
	if err != nil {
		return err
	}
	if (userID == "") == (userJWT == "") {
		return errs.Field("userIdentifier", "userIdentifier must set exactly one of userId and userToken")
	}
	sess, rev, err := s.session(ctx, sessionURI)
	if err != nil {
		return err
	}
	if sess.Account != t.Account {
		return errs.E(errs.NotFound, "session %s not found or expired", sessionURI)
	}
	if userJWT != "" {
		if s.users == nil {
			return errs.E(errs.Invalid, "no inbound JWT authorizer is configured for workload %s", sess.Workload)
		}
		if userID, err = s.users(ctx, t.Account, sess.Workload, userJWT); err != nil {
			return err
		}
	}
	if userID != sess.UserID {
		return errs.E(errs.AccessDenied, "the user completing the authorization is not the user it was started for")
	}
	if sess.Status != statusAuthorized {
		return errs.E(errs.Conflict, "session %s is %s; it can be completed once after the user consented", sessionURI, sess.Status)
	}
	skey := "session|" + sess.ID
	tok := &Token{Expiry: sess.Expiry}
	at, err := s.vault.Open(sess.TokenCT, aadToken(skey))
	if err != nil {
		return errs.Wrap(errs.Internal, err, "session token")
	}
	tok.AccessToken = string(at)
	if sess.RefreshCT != "" {
		rt, err := s.vault.Open(sess.RefreshCT, aadToken(skey+"|refresh"))
		if err != nil {
			return errs.Wrap(errs.Internal, err, "session token")
		}
		tok.RefreshToken = string(rt)
	}
	key := tokenKey(sess.Account, FlowUser, sess.Workload, sess.UserID, sess.Provider, sess.Scopes)
	a, r, err := s.sealToken(key, tok)
	if err != nil {
		return err
	}
	sess.Status, sess.TokenCT, sess.RefreshCT = statusComplete, "", ""
	return s.kv.Txn(ctx, store.Op{Kind: store.OpUpdate, Table: tblSession, Key: sess.ID, Value: mustJSON(sess), Revision: rev},
		putOp(tblToken, key, &userToken{Provider: sess.Provider, AccessCT: a, RefreshCT: r, Expiry: tok.Expiry, Scopes: sess.Scopes}))
}

// ResourceAPIKey is GetResourceApiKey.
func (s *Service) ResourceAPIKey(ctx context.Context, provider, wat string) (string, error) {
	if err := checkProviderName("resourceCredentialProviderName", provider); err != nil {
		return "", err
	}
	if _, err := s.VerifyWAT(ctx, wat); err != nil {
		return "", err
	}
	p, err := s.GetAPIKeyProvider(ctx, provider)
	if err != nil {
		return "", err
	}
	b, err := s.vault.Open(p.KeyCT, aadAPIKey(p.ARN))
	if err != nil {
		return "", errs.Wrap(errs.Internal, err, "api key of %s", provider)
	}
	return string(b), nil
}
