package httpapi

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/agentcore-dev/agentcore/internal/errs"
)

func rawJSON(b []byte) json.RawMessage { return json.RawMessage(b) }

func (s *Server) tagResource(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	body, err := readBody(r)
	if err != nil {
		return err
	}
	var in struct {
		Tags map[string]string `json:"tags"`
	}
	if err := decodeJSON(body, &in); err != nil {
		return err
	}
	if in.Tags == nil {
		return errs.Field("tags", "tags is required")
	}
	if err := s.cfg.Tags.Tag(ctx, p["resourceArn"], in.Tags); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) untagResource(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	keys, ok := r.URL.Query()["tagKeys"]
	if !ok {
		return errs.Field("tagKeys", "tagKeys is required")
	}
	if err := s.cfg.Tags.Untag(ctx, p["resourceArn"], keys); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) listTagsForResource(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	tags, err := s.cfg.Tags.List(ctx, p["resourceArn"])
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"tags": tags})
}
