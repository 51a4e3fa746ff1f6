package agentcore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"net/http"
	"unicode/utf8"
)

// Response lets an entrypoint choose the status, headers and raw body of its reply (the
// counterpart of returning a Starlette Response). Status 0 means 200; without a
// Content-Type header the reply is sent as application/json.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

func (a *App) handleInvocation(w http.ResponseWriter, r *http.Request) {
	rc := newRequestContext(r)
	log := a.requestLogger(rc)
	start := a.now()

	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, a.maxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeJSON(w, http.StatusRequestEntityTooLarge, map[string]any{"error": "Payload too large", "details": err.Error()})
			return
		}
		log.Warn("Reading request body failed", "error", err)
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "Invalid request body", "details": err.Error()})
		return
	}
	if !utf8.Valid(body) {
		log.Warn("Invalid encoding in request")
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "Invalid encoding", "details": "request body is not valid UTF-8"})
		return
	}
	var payload json.RawMessage
	if err := json.Unmarshal(body, &payload); err != nil {
		log.Warn("Invalid JSON in request", "error", err)
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "Invalid JSON", "details": err.Error()})
		return
	}
	if a.debug && a.handleDebugAction(r.Context(), w, payload) {
		return
	}
	if a.entry == nil {
		log.Error("No entrypoint defined")
		writeJSON(w, http.StatusInternalServerError, map[string]any{"error": "No entrypoint defined"})
		return
	}

	ctx := withRequestContext(r.Context(), rc)
	result, err := a.callEntry(ctx, payload, rc)
	if err != nil {
		a.writeError(w, log, err)
		return
	}
	if stream, ok := asStream(result); ok {
		log.Info("Returning streaming response", "duration", seconds(a.now().Sub(start)))
		a.serveStream(ctx, w, log, stream, start)
		return
	}
	a.writeResult(w, log, result)
	log.Info("Invocation completed successfully", "duration", seconds(a.now().Sub(start)))
}

func (a *App) callEntry(ctx context.Context, payload json.RawMessage, rc *RequestContext) (result any, err error) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			err = panicError{v}
		}
	}()
	return a.entry(ctx, payload, rc)
}

func (a *App) writeError(w http.ResponseWriter, log *slog.Logger, err error) {
	status, msg := errorStatus(err)
	switch {
	case status >= 500:
		log.Error("Invocation failed", "status", status, "error", err)
	default:
		log.Warn("Invocation returned an HTTP error", "status", status, "error", err)
	}
	writeJSON(w, status, map[string]any{"error": msg})
}

func (a *App) writeResult(w http.ResponseWriter, log *slog.Logger, result any) {
	switch v := result.(type) {
	case *Response:
		for k, vals := range v.Header {
			w.Header()[k] = vals
		}
		if w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", "application/json")
		}
		status := v.Status
		if status == 0 {
			status = http.StatusOK
		}
		w.Header().Set("Content-Length", fmt.Sprint(len(v.Body)))
		w.WriteHeader(validStatus(status))
		_, _ = w.Write(v.Body)
	default:
		data, err := encodeJSON(result)
		if err != nil {
			log.Warn("Failed to serialize result, sending its string form", "error", err, "type", fmt.Sprintf("%T", result))
			data, _ = encodeJSON(fmt.Sprint(result))
		}
		writeRaw(w, http.StatusOK, data)
	}
}

// encodeJSON marshals v like Python's json.dumps(v, ensure_ascii=False): no HTML escaping,
// no trailing newline. A json.RawMessage is passed through unchanged.
func encodeJSON(v any) ([]byte, error) {
	if raw, ok := v.(json.RawMessage); ok {
		if len(raw) == 0 {
			return []byte("null"), nil
		}
		if !json.Valid(raw) {
			return nil, errors.New("json.RawMessage holds invalid JSON")
		}
		return raw, nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	data, err := encodeJSON(v)
	if err != nil {
		data = []byte(`{"error":"Serialization failed"}`)
	}
	writeRaw(w, status, data)
}

func writeRaw(w http.ResponseWriter, status int, data []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", fmt.Sprint(len(data)))
	w.WriteHeader(status)
	_, _ = w.Write(data)
}

// asStream recognises the entrypoint results that are streamed as SSE.
func asStream(result any) (StreamFunc, bool) {
	switch v := result.(type) {
	case StreamFunc:
		return v, v != nil
	case func(context.Context, func(any) error) error:
		return v, v != nil
	case iter.Seq[any]:
		return func(_ context.Context, emit func(any) error) error {
			for item := range v {
				if err := emit(item); err != nil {
					return err
				}
			}
			return nil
		}, v != nil
	case iter.Seq2[any, error]:
		return func(_ context.Context, emit func(any) error) error {
			for item, err := range v {
				if err != nil {
					return err
				}
				if err := emit(item); err != nil {
					return err
				}
			}
			return nil
		}, v != nil
	}
	return nil, false
}
