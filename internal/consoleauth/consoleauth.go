// Package consoleauth keeps the web console's sign-in sessions. A person
// signs in with an access key pair the server accepts for SigV4; the
// session that results acts in that key's account until it expires or is
// signed out. Sessions live in the KV store (so every replica sees them),
// keyed by a hash of the session token: the token itself is only ever in
// the browser's cookie. Each session has a CSRF token, derived from the
// session token, that the console sends as a header on every request.
package consoleauth

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"sync"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/sigv4"
	"github.com/agentcore-dev/agentcore/internal/store"
)

// table holds the sessions: key = hex(sha256(token)).
const table = "console_sessions"

// DefaultLifetime is how long a session lasts without a configured lifetime.
const DefaultLifetime = 8 * time.Hour

// Options configures the service.
type Options struct {
	KV store.KV
	// Lookup finds an access key (the SigV4 key set).
	Lookup sigv4.Lookup
	// Lifetime of a session from sign-in (0 = DefaultLifetime).
	Lifetime time.Duration
	Logger   *slog.Logger
	Now      func() time.Time // nil = time.Now
}

// Service signs people in and out.
type Service struct {
	o        Options
	mu       sync.Mutex
	failures map[string][]time.Time // failed sign-ins per access key id, within failureWindow
}

// Guessing a secret: after maxFailures wrong pairs for one access key id
// within failureWindow, its sign-ins are refused (Throttled) until the
// oldest failure leaves the window. Per server process.
const (
	maxFailures   = 10
	failureWindow = 5 * time.Minute
)

// New builds the service.
func New(o Options) *Service {
	if o.Lifetime <= 0 {
		o.Lifetime = DefaultLifetime
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Service{o: o, failures: map[string][]time.Time{}}
}

// throttled reports whether the key has had too many failures lately.
func (s *Service) throttled(keyID string, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	recent := s.failures[keyID][:0]
	for _, t := range s.failures[keyID] {
		if now.Sub(t) < failureWindow {
			recent = append(recent, t)
		}
	}
	if len(recent) == 0 {
		delete(s.failures, keyID)
	} else {
		s.failures[keyID] = recent
	}
	return len(recent) >= maxFailures
}

func (s *Service) failed(keyID string, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.failures) > 10000 { // many made-up key ids: start over rather than grow
		s.failures = map[string][]time.Time{}
	}
	s.failures[keyID] = append(s.failures[keyID], now)
}

// Lifetime is how long a new session lasts.
func (s *Service) Lifetime() time.Duration { return s.o.Lifetime }

// Session is a signed-in console session: what the store keeps (Record)
// and the two tokens, which it does not (it keeps the session token's hash;
// the CSRF token is derived from the session token).
type Session struct {
	Record
	// Token is the session token (set only by SignIn).
	Token string `json:"-"`
	CSRF  string `json:"-"`
}

// Record is the stored part of a session.
type Record struct {
	Account     string    `json:"account"`
	AccessKeyID string    `json:"accessKeyId"`
	Created     time.Time `json:"created"`
	Expires     time.Time `json:"expires"`
}

// SignIn checks the key pair and opens a session in its account. A wrong
// pair (unknown key or wrong secret) is one AccessDenied error, so the
// answer does not say which keys exist.
func (s *Service) SignIn(ctx context.Context, accessKeyID, secret string) (*Session, error) {
	if accessKeyID == "" || secret == "" {
		return nil, errs.E(errs.Invalid, "accessKeyId and secretAccessKey are required")
	}
	if s.throttled(accessKeyID, s.o.Now()) {
		s.o.Logger.Warn("console sign-in throttled", "accessKeyId", accessKeyID)
		return nil, errs.E(errs.Throttled, "too many failed sign-ins for this access key: try again in a few minutes")
	}
	var cred *sigv4.Credential
	if s.o.Lookup != nil {
		cred = s.o.Lookup(accessKeyID)
	}
	want := "\x00no such key" // compare anyway: the time taken does not tell unknown keys apart
	if cred != nil {
		want = cred.SecretAccessKey
	}
	if subtle.ConstantTimeCompare(digest(want), digest(secret)) != 1 || cred == nil {
		s.o.Logger.Info("console sign-in refused", "accessKeyId", accessKeyID)
		s.failed(accessKeyID, s.o.Now())
		return nil, errs.E(errs.AccessDenied, "the access key id or secret access key is not valid")
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	tok := base64.RawURLEncoding.EncodeToString(raw)
	now := s.o.Now().UTC()
	rec := Record{Account: cred.Account, AccessKeyID: cred.AccessKeyID, Created: now, Expires: now.Add(s.o.Lifetime)}
	if err := s.o.KV.Txn(ctx, store.CreateJSON(table, hashHex(tok), rec)); err != nil {
		return nil, err
	}
	s.o.Logger.Info("console sign-in", "account", cred.Account, "accessKeyId", cred.AccessKeyID)
	s.sweep(ctx, now)
	return &Session{Record: rec, Token: tok, CSRF: csrfOf(tok)}, nil
}

// Lookup returns the live session of a token, or errs.NotFound (unknown,
// signed out or expired). The key that opened it must still be configured.
func (s *Service) Lookup(ctx context.Context, token string) (*Session, error) {
	if len(token) != 43 { // base64url of 32 bytes
		return nil, errs.E(errs.NotFound, "no console session")
	}
	key := hashHex(token)
	rec, rev, err := store.GetJSON[Record](ctx, s.o.KV, table, key)
	if err != nil {
		return nil, err
	}
	if !s.o.Now().Before(rec.Expires) {
		s.o.KV.Txn(ctx, store.DeleteAt(table, key, rev)) //nolint:errcheck // another request may have removed it
		return nil, errs.E(errs.NotFound, "the console session has expired")
	}
	if s.o.Lookup != nil && s.o.Lookup(rec.AccessKeyID) == nil {
		return nil, errs.E(errs.NotFound, "the access key of the console session is no longer configured")
	}
	return &Session{Record: *rec, CSRF: csrfOf(token)}, nil
}

// CheckCSRF reports whether header is the session's CSRF token.
func (sess *Session) CheckCSRF(header string) bool {
	return header != "" && subtle.ConstantTimeCompare([]byte(header), []byte(sess.CSRF)) == 1
}

// SignOut ends the session of a token (no error when it is already gone).
func (s *Service) SignOut(ctx context.Context, token string) error {
	return s.o.KV.Txn(ctx, store.DeleteAny(table, hashHex(token)))
}

// sweep deletes some expired sessions (every sign-in does a little of it,
// so abandoned sessions do not pile up).
func (s *Service) sweep(ctx context.Context, now time.Time) {
	items, err := s.o.KV.List(ctx, table, "", "", 200)
	if err != nil {
		return
	}
	var ops []store.Op
	for _, it := range items {
		var rec Record
		if json.Unmarshal(it.Value, &rec) == nil && !now.Before(rec.Expires) {
			ops = append(ops, store.DeleteAt(table, it.Key, it.Revision))
		}
	}
	for _, op := range ops {
		s.o.KV.Txn(ctx, op) //nolint:errcheck // raced by a lookup that deleted it
	}
}

// csrfOf derives a session's CSRF token from its session token.
func csrfOf(token string) string {
	m := hmac.New(sha256.New, []byte(token))
	m.Write([]byte("agentcore console csrf"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func hashHex(s string) string {
	d := sha256.Sum256([]byte(s))
	return hex.EncodeToString(d[:])
}

func digest(s string) []byte {
	d := sha256.Sum256([]byte(s))
	return d[:]
}

// LocalCSRF is a random CSRF token for local mode (no sign-in).
func LocalCSRF() string {
	b := make([]byte, 32)
	rand.Read(b) //nolint:errcheck // crypto/rand does not fail
	return base64.RawURLEncoding.EncodeToString(b)
}
