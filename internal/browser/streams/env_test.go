package streams_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/artifact/localdir"
	"github.com/agentcore-dev/agentcore/internal/browser"
	"github.com/agentcore-dev/agentcore/internal/browser/cdp"
	"github.com/agentcore-dev/agentcore/internal/browser/streams"
	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/httpapi"
	"github.com/agentcore-dev/agentcore/internal/runtime"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

// The edge hands the stream routes to a Handler.
var _ httpapi.BrowserStreams = (*streams.Handler)(nil)

const (
	account   = "111122223333"
	browserID = "aws.browser.v1"
	sessionID = "01TESTSESSION"
)

// session is the streams' view of one real browser session: a real
// Chromium behind a runtime.AgentConn, owned by account, with the
// automation status and its change channel as the service keeps them.
type session struct {
	conn      runtime.AgentConn
	ws        string
	recording *browser.Recording

	mu      sync.Mutex
	status  string
	changed chan struct{}
	ended   bool
	leases  int
}

func newSession(t *testing.T, conn runtime.AgentConn, rec *browser.Recording) *session {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ws, err := cdp.BrowserPath(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	return &session{conn: conn, ws: ws, recording: rec, status: browser.StreamEnabled, changed: make(chan struct{})}
}

func (s *session) check(ctx context.Context, browserID, sid string) error {
	t, err := tenant.From(ctx)
	if err != nil {
		return err
	}
	if t.Account != account || browserID != "aws.browser.v1" || sid != sessionID {
		return errs.E(errs.NotFound, "session %s not found", sid)
	}
	return nil
}

func (s *session) Attach(ctx context.Context, b, sid string) (*browser.Attachment, error) {
	if err := s.check(ctx, b, sid); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ended {
		return nil, errs.E(errs.NotFound, "session %s is TERMINATED", sid)
	}
	s.leases++
	var once sync.Once
	return &browser.Attachment{SessionID: sid, BrowserID: b, Account: account, Conn: s.conn, BrowserWS: s.ws,
		ViewPort: browser.ViewPort{Width: 800, Height: 600}, Recording: s.recording,
		Automation: func() string {
			s.mu.Lock()
			defer s.mu.Unlock()
			if s.ended {
				return browser.StreamDisabled
			}
			return s.status
		},
		Changed: s.changed,
		Release: func() { once.Do(func() { s.mu.Lock(); s.leases--; s.mu.Unlock() }) }}, nil
}

func (s *session) UpdateStream(ctx context.Context, b, sid, status string) (*browser.Session, time.Time, error) {
	if err := s.check(ctx, b, sid); err != nil {
		return nil, time.Time{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.status != status && !s.ended {
		s.status = status
		close(s.changed)
		s.changed = make(chan struct{})
	}
	return &browser.Session{ID: sid, Automation: s.status}, time.Now(), nil
}

func (s *session) GetSession(ctx context.Context, b, sid string) (*browser.Session, error) {
	if err := s.check(ctx, b, sid); err != nil {
		return nil, err
	}
	return &browser.Session{ID: sid, BrowserID: b, Recording: s.recording}, nil
}

// end marks the session TERMINATED (its Chromium is stopped by the caller).
func (s *session) end() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.ended {
		s.ended = true
		close(s.changed)
	}
}

func (s *session) automation() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.status
}

func (s *session) leased() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.leases
}

// edge serves the stream routes as internal/httpapi does: it binds the
// path; a signed request (no X-Test-Unsigned header) gets the tenant of
// X-Test-Account (default account) on its context, an unsigned one the
// server's default tenant (another account: the streams must not trust
// it); errors are answered with their AWS status.
func edge(t *testing.T, h *streams.Handler) string {
	mux := http.NewServeMux()
	handle := func(w http.ResponseWriter, r *http.Request, fn func(ctx context.Context, signed bool) error) {
		signed := r.Header.Get("X-Test-Unsigned") == "" && r.URL.Query().Get("token") == ""
		acct := r.Header.Get("X-Test-Account")
		if acct == "" {
			acct = account
		}
		if !signed {
			acct = "000000000000"
		}
		ctx := tenant.With(r.Context(), tenant.Tenant{Account: acct, Region: "us-east-1"})
		if err := fn(ctx, signed); err != nil {
			status := map[errs.Kind]int{errs.Invalid: 400, errs.NotFound: 404, errs.AccessDenied: 403,
				errs.Unavailable: 503}[errs.KindOf(err)]
			if status == 0 {
				status = 500
			}
			http.Error(w, err.Error(), status)
		}
	}
	const prefix = "GET /browser-streams/{b}/sessions/{s}/"
	mux.HandleFunc(prefix+"automation", func(w http.ResponseWriter, r *http.Request) {
		handle(w, r, func(ctx context.Context, _ bool) error {
			return h.Automation(ctx, w, r, r.PathValue("b"), r.PathValue("s"))
		})
	})
	live := func(w http.ResponseWriter, r *http.Request) {
		handle(w, r, func(ctx context.Context, signed bool) error {
			return h.LiveView(ctx, w, r, r.PathValue("b"), r.PathValue("s"), r.PathValue("rest"), signed)
		})
	}
	mux.HandleFunc(prefix+"live-view", live)
	mux.HandleFunc(prefix+"live-view/{rest...}", live)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL
}

// newStreams builds a Handler for sess with a local artifact store.
func newStreams(t *testing.T, sess *session) (*streams.Handler, string) {
	store, err := localdir.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return newStreamsWith(t, streams.Config{Service: sess, Artifacts: store})
}

func newStreamsWith(t *testing.T, cfg streams.Config) (*streams.Handler, string) {
	h := streams.New(cfg)
	t.Cleanup(func() { h.Close(context.Background()) }) //nolint:errcheck // test over
	return h, edge(t, h)
}

func streamURL(base, path string) string {
	return base + "/browser-streams/" + browserID + "/sessions/" + sessionID + "/" + path
}

func wsURL(u string) string { return "ws" + strings.TrimPrefix(u, "http") }

// tenantCtx is ctx as the edge passes it for the session's account.
func tenantCtx(ctx context.Context) context.Context {
	return tenant.With(ctx, tenant.Tenant{Account: account, Region: "us-east-1"})
}
