package agentcore

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// InvokeFunc is a plain entrypoint. payload is the request body, already checked to be valid
// JSON (any JSON value). The returned value is JSON-encoded into a 200 application/json
// reply, except for the special values described at App.Entrypoint.
type InvokeFunc func(ctx context.Context, payload json.RawMessage, rc *RequestContext) (any, error)

// StreamInvokeFunc is a streaming entrypoint. Every call of emit writes one SSE event
// "data: <json>\n\n" and flushes it at once. emit returns an error once the client has gone.
type StreamInvokeFunc func(ctx context.Context, payload json.RawMessage, rc *RequestContext, emit func(any) error) error

// WebSocketFunc serves one /ws connection that the App has already accepted. When it
// returns, the App closes the connection with status 1000 (1011 if it panicked).
type WebSocketFunc func(ctx context.Context, conn *websocket.Conn, rc *RequestContext)

// PingFunc decides the ping status. An error or an unknown status falls back to the
// automatic status (HealthyBusy while async tasks run, else Healthy).
type PingFunc func(ctx context.Context) (PingStatus, error)

// App is an AgentCore Runtime HTTP-protocol agent server. The zero value is not usable;
// create one with New. Registration methods must be called before serving.
type App struct {
	log             *slog.Logger
	debug           bool
	maxBodyBytes    int64
	shutdownTimeout time.Duration
	wsAccept        websocket.AcceptOptions
	now             func() time.Time

	entry InvokeFunc
	ws    WebSocketFunc
	ping  PingFunc

	health health
	tasks  taskGroup
	mux    *http.ServeMux
}

// Option configures an App.
type Option func(*App)

// WithLogger sets the logger. The default writes JSON lines to stderr.
func WithLogger(l *slog.Logger) Option { return func(a *App) { a.log = l } }

// WithDebug enables the debug actions of contract §6.3: a POST whose JSON body carries the
// key "_agent_core_app_action" is answered by the App instead of the entrypoint.
func WithDebug(on bool) Option { return func(a *App) { a.debug = on } }

// WithMaxBodyBytes limits the /invocations body (default 100,000,000 bytes, the platform's
// payload limit). Larger bodies get 413.
func WithMaxBodyBytes(n int64) Option { return func(a *App) { a.maxBodyBytes = n } }

// WithShutdownTimeout bounds the graceful shutdown of Serve (default 30s).
func WithShutdownTimeout(d time.Duration) Option { return func(a *App) { a.shutdownTimeout = d } }

// WithWebSocketAcceptOptions replaces the options used to accept /ws connections. The
// default skips the Origin check, as the platform forwards handshakes unchanged.
func WithWebSocketAcceptOptions(o websocket.AcceptOptions) Option {
	return func(a *App) { a.wsAccept = o }
}

// New returns an App with no entrypoint registered.
func New(opts ...Option) *App {
	a := &App{
		maxBodyBytes:    100_000_000,
		shutdownTimeout: 30 * time.Second,
		wsAccept:        websocket.AcceptOptions{InsecureSkipVerify: true},
		now:             time.Now,
	}
	for _, o := range opts {
		o(a)
	}
	if a.log == nil {
		a.log = DefaultLogger()
	}
	a.health.init(a.now())
	a.tasks.init()
	a.mux = http.NewServeMux()
	a.mux.HandleFunc("POST /invocations", a.handleInvocation)
	a.mux.HandleFunc("GET /ping", a.handlePing)
	a.mux.HandleFunc("/ws", a.handleWebSocket)
	return a
}

// Entrypoint registers the handler for POST /invocations, replacing any earlier one.
//
// The returned value is written as 200 application/json, except:
//   - a StreamFunc, iter.Seq[any] or iter.Seq2[any, error] is streamed as SSE;
//   - a *Response is written as is (status, headers, body);
//   - a json.RawMessage is written verbatim.
//
// A returned *HTTPError (or an error wrapping one) becomes that status with
// {"error": detail}; any other error becomes 500 {"error": err.Error()}.
func (a *App) Entrypoint(h InvokeFunc) { a.entry = h }

// EntrypointStream registers a streaming handler for POST /invocations. Headers are sent
// with the first event: if h fails before emitting anything, the error is mapped like a
// plain entrypoint's; once streaming has begun, an error becomes a final SSE event
// {"error": ..., "error_type": ..., "message": "An error occurred during streaming"}.
func (a *App) EntrypointStream(h StreamInvokeFunc) {
	a.entry = func(ctx context.Context, payload json.RawMessage, rc *RequestContext) (any, error) {
		return StreamFunc(func(ctx context.Context, emit func(any) error) error {
			return h(ctx, payload, rc, emit)
		}), nil
	}
}

// WebSocket registers the /ws handler. Without one, /ws handshakes are refused with 403.
func (a *App) WebSocket(h WebSocketFunc) { a.ws = h }

// Ping registers a custom ping status handler (Python's @app.ping). It is consulted on every
// GET /ping and whenever an async task or the forced status changes; a forced status wins.
func (a *App) Ping(h PingFunc) { a.ping = h }

// Handler returns the App's routes as an http.Handler, for tests or for mounting in a
// server of one's own.
func (a *App) Handler() http.Handler { return a.mux }

// Logger returns the App's logger.
func (a *App) Logger() *slog.Logger { return a.log }

// taskGroup owns the goroutines started by GoAsyncTask.
type taskGroup struct {
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func (g *taskGroup) init() { g.ctx, g.cancel = context.WithCancel(context.Background()) }
