package identity

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"hash"
	"io"
	"strings"

	"github.com/agentcore-dev/agentcore/internal/errs"
)

// watPrefix marks workload access tokens; the format is
// wat1.<base64url(JSON claims)>.<base64url(HMAC-SHA256)>, signed with a key
// derived from the vault master key: only this platform can mint or verify
// one.
const watPrefix = "wat1."

// WATClaims bind a workload identity (and optionally a user) in an account.
type WATClaims struct {
	Account  string `json:"acct"`
	Workload string `json:"wl"`
	UserID   string `json:"uid,omitempty"`
	IssuedAt int64  `json:"iat"`
	Expires  int64  `json:"exp"`
	Nonce    string `json:"n"`
}

// MintWAT issues a workload access token for workload (and user, if any)
// in the caller's account. The workload identity must exist.
func (s *Service) MintWAT(ctx context.Context, workload, userID string) (string, error) {
	t, err := tenantOf(ctx)
	if err != nil {
		return "", err
	}
	if err := checkWorkloadName("workloadName", workload); err != nil {
		return "", err
	}
	if len(userID) > 128 {
		return "", errs.Field("userId", "userId must be at most 128 characters")
	}
	if _, err := s.GetWorkload(ctx, workload); err != nil {
		return "", err
	}
	return s.mint(t.Account, workload, userID), nil
}

// InvocationWAT mints the token the platform injects into an invocation of
// a runtime; the runtime's workload identity is created on first use.
func (s *Service) InvocationWAT(ctx context.Context, workload, userID string) (string, error) {
	t, err := tenantOf(ctx)
	if err != nil {
		return "", err
	}
	key := t.Account + "/" + workload
	if _, ok := s.ensured.Load(key); !ok {
		if _, err := s.EnsureWorkload(ctx, workload); err != nil {
			return "", err
		}
		s.ensured.Store(key, true)
	}
	if len(userID) > 1024 {
		return "", errs.Field("runtimeUserId", "runtimeUserId must be at most 1024 characters")
	}
	return s.mint(t.Account, workload, userID), nil
}

func (s *Service) mint(account, workload, userID string) string {
	now := s.now()
	nb := make([]byte, 9)
	rand.Read(nb)
	c := WATClaims{Account: account, Workload: workload, UserID: userID, IssuedAt: now.Unix(),
		Expires: now.Add(s.watTTL).Unix(), Nonce: base64.RawURLEncoding.EncodeToString(nb)}
	body := watPrefix + base64.RawURLEncoding.EncodeToString(mustJSON(c))
	return body + "." + base64.RawURLEncoding.EncodeToString(s.watMAC(body))
}

// watMAC is the token's HMAC; the keyed hash is pooled (its key schedule
// costs more than hashing a token).
func (s *Service) watMAC(body string) []byte {
	m, _ := s.watMACs.Get().(hash.Hash)
	if m == nil {
		m = hmac.New(sha256.New, s.watKey)
	}
	io.WriteString(m, body) //nolint:errcheck // a hash never fails
	sum := m.Sum(nil)
	m.Reset()
	s.watMACs.Put(m)
	return sum
}

// VerifyWAT checks a workload access token of the caller's account.
func (s *Service) VerifyWAT(ctx context.Context, tok string) (*WATClaims, error) {
	t, err := tenantOf(ctx)
	if err != nil {
		return nil, err
	}
	bad := errs.E(errs.AccessDenied, "the workload access token is invalid or expired")
	if !strings.HasPrefix(tok, watPrefix) || len(tok) > 4096 {
		return nil, bad
	}
	i := strings.LastIndexByte(tok, '.')
	mac, err := base64.RawURLEncoding.DecodeString(tok[i+1:])
	if err != nil || !hmac.Equal(mac, s.watMAC(tok[:i])) {
		return nil, bad
	}
	raw, err := base64.RawURLEncoding.DecodeString(tok[len(watPrefix):i])
	if err != nil {
		return nil, bad
	}
	var c WATClaims
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, bad
	}
	if s.now().Unix() >= c.Expires {
		return nil, bad
	}
	if c.Account != t.Account {
		return nil, errs.E(errs.AccessDenied, "the workload access token belongs to another account")
	}
	return &c, nil
}

// WorkloadToken is GetWorkloadAccessToken.
func (s *Service) WorkloadToken(ctx context.Context, workload string) (string, error) {
	return s.MintWAT(ctx, workload, "")
}

// WorkloadTokenForUserID is GetWorkloadAccessTokenForUserId.
func (s *Service) WorkloadTokenForUserID(ctx context.Context, workload, userID string) (string, error) {
	if userID == "" {
		return "", errs.Field("userId", "userId is required")
	}
	return s.MintWAT(ctx, workload, userID)
}

// WorkloadTokenForJWT is GetWorkloadAccessTokenForJWT: the user token is
// validated against the workload's inbound authorizer; its sub is the user.
func (s *Service) WorkloadTokenForJWT(ctx context.Context, workload, userToken string) (string, error) {
	t, err := tenantOf(ctx)
	if err != nil {
		return "", err
	}
	if userToken == "" || len(userToken) > 131072 {
		return "", errs.Field("userToken", "userToken must be a JWT of 1 to 131072 characters")
	}
	if err := checkWorkloadName("workloadName", workload); err != nil {
		return "", err
	}
	if s.users == nil {
		return "", errs.E(errs.Invalid, "no inbound JWT authorizer is configured for workload %s", workload)
	}
	sub, err := s.users(ctx, t.Account, workload, userToken)
	if err != nil {
		return "", err
	}
	return s.MintWAT(ctx, workload, sub)
}
