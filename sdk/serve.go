package agentcore

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// dockerEnvPath is the marker file Docker creates in containers; a variable for tests.
var dockerEnvPath = "/.dockerenv"

// DefaultPort is the HTTP-protocol container port of the AgentCore Runtime contract.
const DefaultPort = "8080"

// DefaultAddr returns the listen address Run uses: port $PORT (default 8080) on 0.0.0.0 when
// running in a container (/.dockerenv exists or DOCKER_CONTAINER is non-empty), else on
// 127.0.0.1 — the host rule of the Python SDK's app.run().
func DefaultAddr() string {
	port := os.Getenv("PORT")
	if port == "" {
		port = DefaultPort
	}
	return net.JoinHostPort(DefaultHost(), port)
}

// DefaultHost is "0.0.0.0" inside a container and "127.0.0.1" otherwise (see DefaultAddr).
func DefaultHost() string {
	if os.Getenv("DOCKER_CONTAINER") != "" {
		return "0.0.0.0"
	}
	if _, err := os.Stat(dockerEnvPath); err == nil {
		return "0.0.0.0"
	}
	return "127.0.0.1"
}

// Run serves on DefaultAddr until SIGTERM or SIGINT, then shuts down gracefully.
func (a *App) Run() error { return a.ListenAndServe(DefaultAddr()) }

// ListenAndServe serves on addr until SIGTERM or SIGINT, then shuts down gracefully.
// A second signal during shutdown kills the process with the default signal behaviour.
func (a *App) ListenAndServe(addr string) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	go func() {
		<-ctx.Done()
		stop() // restore default handling so a second signal terminates at once
	}()
	return a.Serve(ctx, ln)
}

// Serve serves on ln until ctx is done, then shuts down: it stops accepting, cancels the
// context of GoAsyncTask tasks and waits up to the shutdown timeout for in-flight requests
// and tasks. It returns nil after a clean shutdown. An App is meant to be served once.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           a.mux,
		ReadHeaderTimeout: 30 * time.Second,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
	}
	a.log.Info("Listening", "addr", ln.Addr().String())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()

	select {
	case err := <-errc:
		a.tasks.cancel()
		return err
	case <-ctx.Done():
	}
	a.log.Info("Shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), a.shutdownTimeout)
	defer cancel()
	a.tasks.cancel()
	err := srv.Shutdown(sctx)
	if err != nil {
		_ = srv.Close()
	}
	if werr := a.tasks.wait(sctx); werr != nil && err == nil {
		err = werr
	}
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	return err
}
