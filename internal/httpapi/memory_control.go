package httpapi

import (
	"context"
	"net/http"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/memory"
	"github.com/agentcore-dev/agentcore/internal/tagging"
)

// memoryCall serves a Memory operation whose request is one JSON body:
// decoded into In, passed to f with the service, f's answer sent with
// status.
func memoryCall[In any](s *Server, w http.ResponseWriter, r *http.Request, status int, f func(*memory.Service, In) (any, error)) error {
	svc := s.cfg.Memory
	var in In
	if err := decodeInto(r, &in); err != nil {
		return err
	}
	out, err := f(svc, in)
	if err != nil {
		return err
	}
	return writeJSON(w, status, out)
}

func (s *Server) createMemory(ctx context.Context, w http.ResponseWriter, r *http.Request, _ params) error {
	svc := s.cfg.Memory
	var in memory.CreateMemoryInput
	if err := decodeInto(r, &in); err != nil {
		return err
	}
	if err := tagging.Validate(in.Tags); err != nil {
		return err
	}
	m, err := svc.CreateMemory(ctx, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusAccepted, map[string]any{"memory": m})
}

func (s *Server) getMemory(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	svc := s.cfg.Memory
	if v := r.URL.Query().Get("view"); v != "" && v != "full" && v != "without_decryption" {
		return errs.Field("view", "view must be full or without_decryption")
	}
	m, err := svc.GetMemory(ctx, p["memoryId"])
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"memory": m})
}

func (s *Server) updateMemory(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return memoryCall(s, w, r, http.StatusAccepted, func(svc *memory.Service, in memory.UpdateMemoryInput) (any, error) {
		m, err := svc.UpdateMemory(ctx, p["memoryId"], in)
		return map[string]any{"memory": m}, err
	})
}

func (s *Server) deleteMemory(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	svc := s.cfg.Memory
	m, err := svc.DeleteMemory(ctx, p["memoryId"])
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusAccepted, map[string]any{"memoryId": m.ID, "status": m.Status})
}

type pageBody struct {
	MaxResults int    `json:"maxResults"`
	NextToken  string `json:"nextToken"`
}

func (s *Server) listMemories(ctx context.Context, w http.ResponseWriter, r *http.Request, _ params) error {
	svc := s.cfg.Memory
	var in pageBody
	if err := decodeInto(r, &in); err != nil {
		return err
	}
	ms, next, err := svc.ListMemories(ctx, in.MaxResults, in.NextToken)
	if err != nil {
		return err
	}
	out := make([]map[string]any, 0, len(ms))
	for _, m := range ms {
		out = append(out, m.Summary())
	}
	return writeJSON(w, http.StatusOK, withNext(map[string]any{"memories": out}, next))
}
