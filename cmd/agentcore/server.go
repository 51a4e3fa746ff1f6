package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/agentcore-dev/agentcore/internal/config"
	"github.com/agentcore-dev/agentcore/internal/server"
	"github.com/spf13/cobra"
)

func newServerCmd() *cobra.Command {
	var flags *config.Flags
	cmd := &cobra.Command{
		Use:   "server",
		Short: "Run the AgentCore-compatible API server",
		Long: `Runs both AgentCore APIs (bedrock-agentcore and bedrock-agentcore-control) on one
listener. Point AWS SDKs at it with AWS_ENDPOINT_URL_BEDROCK_AGENTCORE and
AWS_ENDPOINT_URL_BEDROCK_AGENTCORE_CONTROL set to http://LISTEN.

` + config.Precedence + `
Each flag's environment variable is shown in [brackets].

Settings without a flag (environment variable, and --config file key):
` + config.FlaglessHelp(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := flags.Load(os.LookupEnv)
			if err != nil {
				return err
			}
			return runServer(c, os.Stderr)
		},
	}
	flags = config.Bind(cmd.Flags())
	return cmd
}

// runServer serves until SIGINT/SIGTERM or a serving error.
func runServer(c config.Config, logOut io.Writer) error {
	cfg := server.Config{Config: c, Logger: newLogger(c, logOut)}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv, err := server.Start(ctx, cfg)
	if err != nil {
		return err
	}
	select {
	case <-ctx.Done():
	case err := <-srv.Done():
		if err != nil {
			return err
		}
	}
	cfg.Logger.Info("shutting down: draining", "drainTimeout", srv.DrainTimeout())
	dctx, dcancel := context.WithTimeout(context.Background(), srv.DrainTimeout())
	srv.Drain(dctx) // no new sessions; in-flight invocations finish (--drain-timeout)
	dcancel()
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return srv.Close(sctx)
}

// newLogger builds the server's logger from --log-json and --log-level
// (validated by config).
func newLogger(c config.Config, w io.Writer) *slog.Logger {
	var lvl slog.Level
	lvl.UnmarshalText([]byte(c.LogLevel)) //nolint:errcheck // config.Validate checked it
	opts := &slog.HandlerOptions{Level: lvl}
	if c.LogJSON {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
