package agentcore

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"
)

// StreamFunc is an entrypoint result that is streamed as SSE. Each emit call writes one event
// and flushes it; emit is safe for concurrent use and returns an error once the client is gone.
type StreamFunc func(ctx context.Context, emit func(any) error) error

// sseWriter frames items as "data: <json>\n\n" and flushes each one (contract §5.3).
type sseWriter struct {
	mu      sync.Mutex
	w       http.ResponseWriter
	rc      *http.ResponseController
	ctx     context.Context
	log     *slog.Logger
	started bool
	err     error // first write error; later emits return it
}

func (s *sseWriter) start() {
	s.started = true
	s.w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
	s.w.WriteHeader(http.StatusOK)
}

func (s *sseWriter) emit(item any) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return s.err
	}
	if err := s.ctx.Err(); err != nil {
		s.err = err
		return err
	}
	data, err := encodeJSON(item)
	if err != nil {
		s.log.Warn("Failed to serialize stream item, sending its string form", "error", err)
		data, _ = encodeJSON(stringForm(item))
	}
	if !s.started {
		s.start()
	}
	frame := make([]byte, 0, len(data)+8)
	frame = append(frame, "data: "...)
	frame = append(frame, data...)
	frame = append(frame, "\n\n"...)
	if _, err := s.w.Write(frame); err != nil {
		s.err = err
		return err
	}
	if err := s.rc.Flush(); err != nil {
		s.err = err
		return err
	}
	return nil
}

func (a *App) serveStream(ctx context.Context, w http.ResponseWriter, log *slog.Logger, fn StreamFunc, start time.Time) {
	s := &sseWriter{w: w, rc: http.NewResponseController(w), ctx: ctx, log: log}
	defer s.close()
	err := runStream(ctx, fn, s.emit)

	s.mu.Lock()
	started, writeErr := s.started, s.err
	switch {
	case err == nil && !started:
		s.start()
		_ = s.rc.Flush()
	case err != nil && !started:
		s.err = errStreamClosed
	}
	s.mu.Unlock()

	switch {
	case err != nil && !started:
		a.writeError(w, log, err)
	case err != nil && writeErr == nil && ctx.Err() == nil:
		log.Error("Error in streaming", "error", err)
		_ = s.emit(map[string]any{
			"error":      err.Error(),
			"error_type": errorTypeName(err),
			"message":    "An error occurred during streaming",
		})
	case err != nil:
		log.Info("Stream ended: client gone", "error", err)
	default:
		log.Debug("Stream finished", "duration", seconds(a.now().Sub(start)))
	}
}

// close makes emits after the handler has returned fail instead of touching the writer.
func (s *sseWriter) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err == nil {
		s.err = errStreamClosed
	}
}

var errStreamClosed = errors.New("agentcore: stream already finished")

func runStream(ctx context.Context, fn StreamFunc, emit func(any) error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			err = panicError{v}
		}
	}()
	return fn(ctx, emit)
}
