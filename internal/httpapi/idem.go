package httpapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"regexp"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/idempotency"
)

var clientTokenRE = regexp.MustCompile(`^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,256}$`)

// idem wraps an operation that takes a clientToken (in the JSON body or the
// query): a repeat with the same request replays the first answer, a repeat
// with a different request is a ConflictException.
func (s *Server) idem(op string, h handler) handler {
	return func(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
		body, err := readBody(r)
		if err != nil {
			return err
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		var doc map[string]any
		if len(bytes.TrimSpace(body)) > 0 {
			if err := json.Unmarshal(body, &doc); err != nil {
				return h(ctx, w, r, p) // the handler reports the parse error
			}
		}
		token := r.URL.Query().Get("clientToken")
		if t, ok := doc["clientToken"].(string); ok {
			token = t
		}
		if token == "" || s.cfg.Idempotency == nil {
			return h(ctx, w, r, p)
		}
		if len(token) < 33 || len(token) > 256 || !clientTokenRE.MatchString(token) {
			return errs.Field("clientToken", "clientToken must be 33-256 characters of letters, digits and hyphens")
		}
		delete(doc, "clientToken")
		q := r.URL.Query()
		q.Del("clientToken")
		canon, _ := json.Marshal(doc)
		sum := sha256.Sum256([]byte(r.Method + " " + r.URL.EscapedPath() + "?" + q.Encode() + "\n" + r.Header.Get("X-Amzn-Bedrock-Agentcore-Runtime-Session-Id") + "\n" + string(canon)))
		fp := hex.EncodeToString(sum[:])
		rec, err := s.cfg.Idempotency.Lookup(ctx, op, token, fp)
		if err != nil {
			return err
		}
		if rec != nil {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(rec.Status)
			_, err := w.Write(rec.Body)
			return err
		}
		cw := &captureWriter{ResponseWriter: w}
		err = h(ctx, cw, r, p)
		if err == nil && cw.status >= 200 && cw.status < 300 {
			err = s.cfg.Idempotency.Save(ctx, op, token, idempotency.Record{Fingerprint: fp, Status: cw.status, Body: cw.buf.Bytes()})
			if err != nil {
				s.log.Warn("saving idempotency record", "op", op, "err", err)
			}
			return nil
		}
		if rerr := s.cfg.Idempotency.Release(ctx, op, token); rerr != nil { // a retry runs the operation again
			s.log.Warn("releasing idempotency claim", "op", op, "err", rerr)
		}
		return err
	}
}

type captureWriter struct {
	http.ResponseWriter
	status int
	buf    bytes.Buffer
}

func (c *captureWriter) WriteHeader(code int) {
	c.status = code
	c.ResponseWriter.WriteHeader(code)
}

func (c *captureWriter) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	c.buf.Write(b)
	return c.ResponseWriter.Write(b)
}
