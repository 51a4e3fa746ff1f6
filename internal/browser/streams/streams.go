// Package streams serves a browser session's streams over HTTP: the
// automation stream (a WebSocket relayed unchanged to Chromium's
// browser-level CDP endpoint, for Playwright's connect_over_cdp, Puppeteer
// and browser-use), the live view (an HTML page showing the screen through
// CDP screencast frames, with take/release control and mouse and keyboard
// input), and recordings (screencast frames and navigations stored in the
// artifact store, played back by a replay page).
//
// The AWS edge (internal/httpapi) matches the routes, authenticates the
// caller (SigV4 header auth for the automation stream, presigned query
// auth for the live-view and replay pages; the tenant is on the request's
// context) and calls the Handler's methods. The pages' own sub-requests
// (the live view's WebSocket, the replay's data) carry a short-lived HMAC
// token the Handler minted when it served the page, bound to the account
// and session; their routes are unsigned at the edge.
package streams

import (
	"context"
	"crypto/rand"
	"log/slog"
	"sync"
	"time"

	"github.com/agentcore-dev/agentcore/internal/artifact"
	"github.com/agentcore-dev/agentcore/internal/browser"
)

// Service is what the streams use of the browser service
// (*browser.Service implements it).
type Service interface {
	// Attach leases a READY session of the caller's account.
	Attach(ctx context.Context, browserID, sessionID string) (*browser.Attachment, error)
	// UpdateStream sets the automation stream's status (the live view's
	// take control = DISABLED, release control = ENABLED).
	UpdateStream(ctx context.Context, browserID, sessionID, status string) (*browser.Session, time.Time, error)
	// GetSession returns a session of the caller's account, also once it
	// has ended (the replay page finds its recording through it).
	GetSession(ctx context.Context, browserID, sessionID string) (*browser.Session, error)
}

// Config is what the Handler needs from the server.
type Config struct {
	Service Service
	// Artifacts stores recordings (nil: sessions are not recorded and
	// replay answers not found).
	Artifacts artifact.Store
	// TokenKey signs the pages' tokens. Replicas behind one address must
	// share it; empty: a random key (tokens valid on this process only).
	TokenKey []byte
	Logger   *slog.Logger
	Now      func() time.Time
}

// Handler serves the stream routes. One per server.
type Handler struct {
	svc       Service
	artifacts artifact.Store
	key       []byte
	log       *slog.Logger
	now       func() time.Time

	mu        sync.Mutex
	closed    bool
	recorders sync.WaitGroup
	stop      context.CancelFunc
	ctx       context.Context // ends at Close; recordings run under it
}

// New builds the handler.
func New(cfg Config) *Handler {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	key := cfg.TokenKey
	if len(key) == 0 {
		key = make([]byte, 32)
		rand.Read(key) //nolint:errcheck // crypto/rand does not fail
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Handler{svc: cfg.Service, artifacts: cfg.Artifacts, key: key, log: cfg.Logger.With("component", "browser-streams"),
		now: cfg.Now, ctx: ctx, stop: cancel}
}

// Close ends the recordings (each stores what it has) and waits for them.
func (h *Handler) Close(ctx context.Context) error {
	h.mu.Lock()
	h.closed = true
	h.mu.Unlock()
	h.stop()
	done := make(chan struct{})
	go func() { h.recorders.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

var _ Service = (*browser.Service)(nil)
