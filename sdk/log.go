package agentcore

import (
	"io"
	"log/slog"
	"os"
	"time"
)

// DefaultLogger returns the App's default logger: one JSON object per line on stderr with the
// keys of the Python SDK's formatter (timestamp, level, message, logger).
func DefaultLogger() *slog.Logger { return NewJSONLogger(os.Stderr, slog.LevelInfo) }

// NewJSONLogger returns a logger writing Python-SDK-shaped JSON lines to w.
func NewJSONLogger(w io.Writer, level slog.Leveler) *slog.Logger {
	h := slog.NewJSONHandler(w, &slog.HandlerOptions{
		Level: level,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) > 0 {
				return a
			}
			switch a.Key {
			case slog.TimeKey:
				return slog.String("timestamp", a.Value.Time().UTC().Format("2006-01-02T15:04:05.000Z"))
			case slog.MessageKey:
				a.Key = "message"
			}
			return a
		},
	})
	return slog.New(h).With("logger", "agentcore.app")
}

func (a *App) requestLogger(rc *RequestContext) *slog.Logger {
	l := a.log.With("requestId", rc.RequestID)
	if rc.SessionID != "" {
		l = l.With("sessionId", rc.SessionID)
	}
	return l
}

func seconds(d time.Duration) float64 { return float64(d.Milliseconds()) / 1000 }
